import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

import { App } from './app/App';
import { takeResetTokenFromAddressBar } from '@/features/auth';
import { afterFirstPaint } from './lib/first-paint';
import './styles/main.scss';

// Before anything loads: a password-reset token must not reach a Referer header or the history.
takeResetTokenFromAddressBar();

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
