import '@testing-library/jest-dom/vitest';
import { cleanup, configure } from '@testing-library/react';

import { tokenStore } from '@/lib/api-client';

import { db } from './mocks/db';
import { server } from './mocks/server';

// Pages load their modules on first render, and a test run transforms each module the
// first time it is imported: on a busy machine that alone can take a second.
configure({ asyncUtilTimeout: 5000 });

// A request no handler answers fails the test that made it, even when the UI copes with the error.
const unhandled: string[] = [];
beforeAll(() =>
  server.listen({
    onUnhandledRequest: (request, print) => {
      unhandled.push(`${request.method} ${request.url}`);
      print.error();
    },
  }),
);
beforeEach(() => db.reset());
afterEach(() => {
  cleanup();
  const missed = unhandled.splice(0);
  if (missed.length > 0) throw new Error(`Requests without a handler: ${missed.join(', ')}`);
  server.resetHandlers();
  server.events.removeAllListeners();
  tokenStore.set(null);
  window.localStorage.clear();
  document.documentElement.removeAttribute('data-theme');
  vi.useRealTimers();
});
afterAll(() => server.close());
