import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ReactElement } from 'react';
import { MemoryRouter } from 'react-router';

import { AppProviders } from '@/app/AppProviders';
import { AppRoutes } from '@/app/AppRoutes';

import { db, type StoredUser } from './mocks/db';
import { server } from './mocks/server';

export { db } from './mocks/db';
export { server };

interface RenderOptions {
  /** Start with a refresh cookie for this user, as after an earlier login. */
  loggedInAs?: StoredUser;
}

/** Renders the whole app at `path`, and waits until it knows who is signed in. */
export async function renderApp(path = '/', { loggedInAs }: RenderOptions = {}) {
  if (loggedInAs) db.refreshCookie = loggedInAs.id;
  const user = userEvent.setup({ delay: null });
  const view = render(
    <MemoryRouter initialEntries={[path]}>
      <AppProviders>
        <AppRoutes />
      </AppProviders>
    </MemoryRouter>,
  );
  const sessionLink = loggedInAs ? 'Log Out' : 'Log In';
  await waitFor(() => expect(screen.getByRole('link', { name: sessionLink })).toBeInTheDocument());
  return { user, ...view };
}

/** Renders one component inside the app's providers and a router. */
export function renderWithProviders(ui: ReactElement, { path = '/' }: { path?: string } = {}) {
  const user = userEvent.setup({ delay: null });
  const view = render(
    <MemoryRouter initialEntries={[path]}>
      <AppProviders>{ui}</AppProviders>
    </MemoryRouter>,
  );
  return { user, ...view };
}

/** The JSON bodies of the requests to `method path` the app sends from now on (until the test ends). */
export function sentBodies(method: string, path: string): unknown[] {
  const bodies: unknown[] = [];
  server.events.on('request:start', ({ request }) => {
    if (request.method === method && new URL(request.url).pathname === path) {
      void request
        .clone()
        .json()
        .then((body: unknown) => bodies.push(body));
    }
  });
  return bodies;
}

export const admin = () => db.addUser({ username: 'administrator', email: 'admin@example.com', admin: true });
export const member = () => db.addUser({ username: 'michael', email: 'michael@herman.org' });

export { screen, waitFor, within } from '@testing-library/react';
