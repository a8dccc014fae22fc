import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

import '@/styles/main.scss';
import { App } from './App';

/** Renders the app into `root`, in place of index.html's frame. */
export function mountApp(root: HTMLElement): void {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
