/// <reference types="vitest/config" />
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath, URL } from 'node:url';
import purgeCss from '@fullhuman/postcss-purgecss';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

import { criticalCss, inlineSourceHashes } from './scripts/critical-css.ts';
import { unusedCssVariables } from './scripts/unused-css-variables.ts';

const usersService = process.env.USERS_SERVICE_URL ?? 'http://127.0.0.1:5001';
const itemsService = process.env.ITEMS_SERVICE_URL ?? 'http://127.0.0.1:5002';
// Keep the browser's Host header: the users service compares it with Origin before
// it accepts the refresh cookie.
const api = { target: usersService, changeOrigin: false };
const itemsApi = { target: itemsService, changeOrigin: false };

// The gateway's policy; `vite preview` serves the build under it too, with the hashes of the
// inline script and style the build wrote into index.html (services/nginx lists the same).
const built = fileURLToPath(new URL('./dist/index.html', import.meta.url));
const inline = inlineSourceHashes(existsSync(built) ? readFileSync(built, 'utf8') : '');
const contentSecurityPolicy = [
  "default-src 'self'",
  ["script-src 'self'", ...inline.scripts].join(' '),
  ["style-src 'self'", ...inline.styles].join(' '),
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "object-src 'none'",
].join('; ');

export default defineConfig({
  plugins: [
    react(),
    unusedCssVariables(),
    criticalCss({ app: 'src/app/mount.tsx', inlineScripts: ['theme.js'] }),
  ],
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
  css: {
    postcss: {
      plugins: [
        // Bulma's modules come with every variant (.is-warning, .navbar-dropdown, ...): keep
        // only the rules whose class names appear in the app's code. A class name must
        // therefore be written whole in the source, never assembled (`is-${type}`).
        purgeCss({
          content: ['./index.html', './public/theme.js', './src/**/*.{ts,tsx}'],
          // The theme switch sets data-theme on <html> from script.
          dynamicAttributes: ['data-theme'],
        }),
      ],
    },
    preprocessorOptions: {
      // Bulma's own sources still use a few deprecated Sass features.
      scss: { quietDeps: true },
    },
  },
  server: {
    port: 3007,
    strictPort: true,
    proxy: {
      '/users': api,
      '/auth': api,
      '/items': itemsApi,
    },
  },
  preview: {
    port: 4173,
    headers: { 'Content-Security-Policy': contentSecurityPolicy },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
  },
  test: {
    globals: true,
    environment: 'happy-dom',
    setupFiles: ['./src/testing/setup-tests.ts'],
    include: ['src/**/*.test.{ts,tsx}', 'scripts/**/*.test.ts'],
    restoreMocks: true,
    // Test files share one environment: the setup file resets the mock users store,
    // the handlers and the access token around every test.
    pool: 'threads',
    isolate: false,
    testTimeout: 15000,
    // `npm test` runs with --coverage: it prints the summary and fails under these floors.
    coverage: {
      provider: 'v8',
      include: ['src/**/*.{ts,tsx}'],
      exclude: ['src/**/*.test.{ts,tsx}', 'src/testing/**', 'src/**/*.d.ts'],
      reporter: ['text-summary'],
      thresholds: { lines: 80, statements: 80, branches: 80, functions: 80 },
    },
  },
});
