import { takeResetTokenFromAddressBar } from '@/features/auth';
import { afterFirstPaint } from './lib/first-paint';

// Before anything loads: a password-reset token must not reach a Referer header or the history.
takeResetTokenFromAddressBar();

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

// index.html's frame (navbar, "Loading…"), styled by the critical CSS the build inlines, is
// on screen first. The app's code and its stylesheet are fetched after that paint, so that
// neither delays it; the app renders once both have loaded.
afterFirstPaint(() => {
  import('./app/mount').then(
    ({ mountApp }) => mountApp(root),
    () => {
      const status = root.querySelector('.loading');
      if (status) status.textContent = 'The app could not be loaded. Check your connection and reload the page.';
    },
  );
});
