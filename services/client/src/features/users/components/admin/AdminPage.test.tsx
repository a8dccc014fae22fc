import { http, HttpResponse } from 'msw';

import { admin, db, member, renderApp, screen, server, waitFor, within } from '@/testing/test-utils';

/** The query strings of the GET /users requests the app sends from now on. */
function usersQueries(): URLSearchParams[] {
  const queries: URLSearchParams[] = [];
  server.events.on('request:start', ({ request }) => {
    const url = new URL(request.url);
    if (request.method === 'GET' && url.pathname === '/users') queries.push(url.searchParams);
  });
  return queries;
}

const usernames = () =>
  within(screen.getByRole('table'))
    .getAllByRole('row')
    .slice(1)
    .map((row) => within(row).getAllByRole('cell')[1]?.textContent);

async function openConsole() {
  const me = admin();
  const view = await renderApp('/admin', { loggedInAs: me });
  await screen.findByRole('heading', { level: 1, name: 'Admin' });
  await screen.findByRole('table');
  return { me, ...view };
}

describe('The admin console', () => {
  it('is linked from the navbar for admins only', async () => {
    await renderApp('/', { loggedInAs: member() });
    expect(screen.queryByRole('link', { name: 'Admin' })).not.toBeInTheDocument();
  });

  it('shows the link to an admin', async () => {
    await renderApp('/', { loggedInAs: admin() });
    expect(screen.getByRole('link', { name: 'Admin' })).toHaveAttribute('href', '/admin');
  });

  it('sends a signed-in non-admin back to the home page', async () => {
    await renderApp('/admin', { loggedInAs: member() });
    expect(await screen.findByRole('heading', { level: 1, name: 'All Users' })).toBeInTheDocument();
    expect(screen.queryByRole('heading', { name: 'Admin' })).not.toBeInTheDocument();
  });

  it('asks a visitor to log in', async () => {
    await renderApp('/admin');
    expect(await screen.findByText(/You must be logged in to view this/)).toBeInTheDocument();
  });

  it('searches on the server once the typing pauses', async () => {
    db.addUser({ username: 'fletcher', email: 'fletcher@notreal.com' });
    db.addUser({ username: 'michael', email: 'mike@example.com' });
    const queries = usersQueries();
    const { user } = await openConsole();

    await user.type(screen.getByRole('searchbox', { name: 'Search users' }), 'mike');

    await waitFor(() => expect(usernames()).toEqual(['michael']));
    // One request for the settled text, none per key.
    expect(queries.map((query) => query.get('q')).filter(Boolean)).toEqual(['mike']);
    expect(screen.getByText('1 user')).toBeInTheDocument();
  });

  it('says when nothing matches', async () => {
    const { user } = await openConsole();
    await user.type(screen.getByRole('searchbox', { name: 'Search users' }), 'nobody');
    expect(await screen.findByText('No users match.')).toBeInTheDocument();
  });

  it('sorts by a column header, then the other way', async () => {
    db.addUser({ username: 'zed', email: 'zed@example.com' });
    db.addUser({ username: 'bea', email: 'bea@example.com' });
    const queries = usersQueries();
    const { user } = await openConsole();

    await user.click(screen.getByRole('button', { name: 'Username' }));
    await waitFor(() => expect(usernames()).toEqual(['administrator', 'bea', 'zed']));
    expect(screen.getByRole('columnheader', { name: /Username/ })).toHaveAttribute('aria-sort', 'ascending');

    await user.click(screen.getByRole('button', { name: /Username/ }));
    await waitFor(() => expect(usernames()).toEqual(['zed', 'bea', 'administrator']));
    expect(screen.getByRole('columnheader', { name: /Username/ })).toHaveAttribute('aria-sort', 'descending');
    expect(queries.map((query) => query.get('sort'))).toContain('-username');
  });

  it('filters by active and by admin', async () => {
    db.addUser({ username: 'sleeper', email: 'sleeper@example.com', active: false });
    db.addUser({ username: 'boss', email: 'boss@example.com', admin: true });
    const { user } = await openConsole();

    await user.selectOptions(screen.getByRole('combobox', { name: 'Active' }), 'Inactive');
    await waitFor(() => expect(usernames()).toEqual(['sleeper']));

    await user.selectOptions(screen.getByRole('combobox', { name: 'Active' }), 'Any');
    await user.selectOptions(screen.getByRole('combobox', { name: 'Admin' }), 'Admins');
    await waitFor(() => expect(usernames()).toEqual(['boss', 'administrator']));
  });

  it('pages through the matches', async () => {
    for (let index = 1; index <= 12; index++) db.addUser({ username: `person${index}`, email: `person${index}@example.com` });
    const { user } = await openConsole();
    await user.click(screen.getByRole('button', { name: 'Next' }));
    await waitFor(() => expect(usernames()).toEqual(['person11', 'person12', 'administrator']));
  });

  it('deactivates and activates a user', async () => {
    const target = db.addUser({ username: 'fletcher', email: 'fletcher@notreal.com' });
    const { user } = await openConsole();

    await user.click(await screen.findByRole('button', { name: 'Deactivate fletcher' }));
    expect(await screen.findByText('fletcher was deactivated.')).toBeInTheDocument();
    expect(db.findUser(target.id)?.active).toBe(false);

    await user.click(await screen.findByRole('button', { name: 'Activate fletcher' }));
    expect(await screen.findByText('fletcher was activated.')).toBeInTheDocument();
    expect(db.findUser(target.id)?.active).toBe(true);
  });

  it('sends a password reset to the user’s email', async () => {
    db.addUser({ username: 'fletcher', email: 'fletcher@notreal.com' });
    const sent: unknown[] = [];
    server.events.on('request:start', ({ request }) => {
      if (new URL(request.url).pathname === '/auth/password-reset') void request.clone().json().then((body: unknown) => sent.push(body));
    });
    const { user } = await openConsole();

    await user.click(await screen.findByRole('button', { name: 'Send password reset to fletcher' }));

    expect(await screen.findByText('A password reset was sent to fletcher@notreal.com.')).toBeInTheDocument();
    expect(sent).toEqual([{ email: 'fletcher@notreal.com' }]);
  });

  it('resets two-factor login only where it is on', async () => {
    const target = db.addUser({ username: 'fletcher', email: 'fletcher@notreal.com', two_factor_enabled: true });
    db.addUser({ username: 'plain.user', email: 'plain@example.com' });
    const { user } = await openConsole();

    expect(screen.queryByRole('button', { name: 'Reset 2FA of plain.user' })).not.toBeInTheDocument();
    await user.click(await screen.findByRole('button', { name: 'Reset 2FA of fletcher' }));

    expect(await screen.findByText('Two-factor login was reset.')).toBeInTheDocument();
    expect(db.findUser(target.id)?.two_factor_enabled).toBe(false);
    await waitFor(() => expect(screen.queryByRole('button', { name: 'Reset 2FA of fletcher' })).not.toBeInTheDocument());
  });

  it('ends all sessions of a user', async () => {
    const target = db.addUser({ username: 'fletcher', email: 'fletcher@notreal.com' });
    db.addSession({ user_id: target.id, user_agent: 'A browser', address: '198.51.100.7' });
    db.addSession({ user_id: target.id, user_agent: 'Another', address: '198.51.100.8' });
    const { user } = await openConsole();

    await user.click(await screen.findByRole('button', { name: 'End sessions of fletcher' }));

    expect(await screen.findByText('Ended 2 sessions of fletcher.')).toBeInTheDocument();
    expect(db.sessionsOf(target.id)).toEqual([]);
  });

  it('shows what the service answers when an action fails', async () => {
    db.addUser({ username: 'fletcher', email: 'fletcher@notreal.com' });
    server.use(
      http.delete('*/users/:id/sessions', () => HttpResponse.json({ status: 'fail', message: 'User does not exist' }, { status: 404 })),
    );
    const { user } = await openConsole();
    await user.click(await screen.findByRole('button', { name: 'End sessions of fletcher' }));
    expect(await screen.findByText('User does not exist')).toBeInTheDocument();
  });

  it('edits a user with the edit dialog', async () => {
    db.addUser({ username: 'fletcher', email: 'fletcher@notreal.com' });
    const { user } = await openConsole();

    await user.click(await screen.findByRole('button', { name: 'Edit fletcher' }));
    const dialog = await screen.findByRole('dialog');
    const username = within(dialog).getByLabelText('Username');
    await user.clear(username);
    await user.type(username, 'fletcher.two');
    await user.click(within(dialog).getByRole('button', { name: /Save|Update/ }));

    expect(await screen.findByText('fletcher.two was updated.')).toBeInTheDocument();
    expect(await screen.findByRole('cell', { name: 'fletcher.two' })).toBeInTheDocument();
  });

  it('shows the audit log, filtered by user and event, newest first', async () => {
    db.audit('login_succeeded', { user_id: 7 });
    db.audit('login_failed', { user_id: 7, details: { reason: 'bad_password' } });
    db.audit('login_failed', { user_id: 8 });
    const { user } = await openConsole();

    await user.click(screen.getByRole('tab', { name: 'Audit log' }));
    expect(screen.getByRole('tab', { name: 'Audit log' })).toHaveAttribute('aria-selected', 'true');
    await screen.findByRole('columnheader', { name: 'Event' });
    const events = () =>
      within(screen.getByRole('table'))
        .getAllByRole('row')
        .slice(1)
        .map((row) => within(row).getAllByRole('cell').map((cell) => cell.textContent));
    await waitFor(() => expect(events().map((cells) => cells[1])).toEqual(['login_failed', 'login_failed', 'login_succeeded']));

    await user.type(screen.getByLabelText('User ID'), '7');
    await user.type(screen.getByLabelText('Event'), 'login_failed');
    await user.click(screen.getByRole('button', { name: 'Filter' }));

    await waitFor(() => expect(events()).toHaveLength(1));
    expect(events()[0]?.slice(1, 3)).toEqual(['login_failed', '7']);
    expect(events()[0]?.[5]).toBe('reason: bad_password');
  });

  it('says when no audit event matches', async () => {
    const { user } = await openConsole();
    await user.click(screen.getByRole('tab', { name: 'Audit log' }));
    expect(await screen.findByText('No events match.')).toBeInTheDocument();
  });
});
