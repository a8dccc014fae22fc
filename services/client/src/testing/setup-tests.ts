import '@testing-library/jest-dom/vitest';
import { cleanup } from '@testing-library/react';

import { tokenStore } from '@/lib/api-client';

import { db } from './mocks/db';
import { server } from './mocks/server';

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
  tokenStore.set(null);
  window.localStorage.clear();
  document.documentElement.removeAttribute('data-theme');
  vi.useRealTimers();
});
afterAll(() => server.close());
