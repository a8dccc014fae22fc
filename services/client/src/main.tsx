import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

import { App } from './app/App';
import { afterFirstPaint } from './lib/first-paint';
import './styles/main.scss';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

// index.html's frame (navbar, "Loading…") is on screen first; the app replaces it.
afterFirstPaint(() =>
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  ),
);
