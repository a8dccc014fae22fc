import { delay, http, HttpResponse } from 'msw';

import { admin, db, member, renderApp, screen, server, within } from '@/testing/test-utils';

describe('Home page', () => {
  it('shows every user in a table under "All Users"', async () => {
    member();
    db.addUser({ username: 'fletcher', email: 'fletcher@notreal.com', active: false });
    await renderApp('/');

    expect(screen.getByRole('heading', { level: 1, name: 'All Users' })).toBeInTheDocument();
    const table = await screen.findByRole('table');
    const rows = within(table).getAllByRole('row');
    expect(within(rows[0]!).getAllByRole('columnheader').map((cell) => cell.textContent)).toEqual(['ID', 'Username', 'Active']);
    expect(within(rows[1]!).getAllByRole('cell').map((cell) => cell.textContent)).toEqual(['1', 'michael', 'true']);
    expect(within(rows[2]!).getAllByRole('cell').map((cell) => cell.textContent)).toEqual(['2', 'fletcher', 'false']);
  });

  it('shows emails and admin flags to an admin', async () => {
    const me = admin();
    member();
    await renderApp('/', { loggedInAs: me });

    const table = await screen.findByRole('table');
    expect(within(table).getAllByRole('columnheader').map((cell) => cell.textContent)).toEqual([
      'ID',
      'Email',
      'Username',
      'Active',
      'Admin',
      'Actions',
    ]);
    expect(within(table).getByRole('cell', { name: 'michael@herman.org' })).toBeInTheDocument();
  });

  it('pages through users ten at a time', async () => {
    for (let index = 1; index <= 12; index++) db.addUser({ username: `person${index}`, email: `person${index}@example.com` });
    const { user } = await renderApp('/');

    expect(await screen.findByRole('cell', { name: 'person10' })).toBeInTheDocument();
    expect(screen.queryByRole('cell', { name: 'person11' })).not.toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Next' }));
    expect(await screen.findByRole('cell', { name: 'person11' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Page 2' })).toHaveAttribute('aria-current', 'page');
    expect(screen.getByRole('button', { name: 'Next' })).toBeDisabled();
  });

  it('says so while the users load', async () => {
    member();
    server.use(
      http.get('*/users', async () => {
        await delay(200);
        return undefined;
      }),
    );
    await renderApp('/');

    expect(screen.getByText('Loading users…').closest('[role="status"]')).toBeInTheDocument();
    expect(await screen.findByRole('cell', { name: 'michael' })).toBeInTheDocument();
    expect(screen.queryByText('Loading users…')).not.toBeInTheDocument();
  });

  it('says so when the users cannot be loaded, and tries again on request', async () => {
    let fail = true;
    server.use(
      http.get('*/users', () =>
        fail ? HttpResponse.json({ status: 'fail', message: 'Database unavailable.' }, { status: 503 }) : undefined,
      ),
    );
    const { user } = await renderApp('/');

    expect(await screen.findByRole('alert')).toHaveTextContent('Database unavailable.');
    fail = false;
    member();
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('cell', { name: 'michael' })).toBeInTheDocument();
  });
});
