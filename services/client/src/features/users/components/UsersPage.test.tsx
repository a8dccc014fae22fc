import { delay, http, HttpResponse } from 'msw';

import { admin, db, member, renderApp, screen, sentBodies, server, waitFor, within } from '@/testing/test-utils';

const row = (username: string) => screen.getByRole('cell', { name: username }).closest('tr') as HTMLElement;

describe('The users page', () => {
  it('shows every user in a table under "All Users"', async () => {
    member();
    db.addUser({ username: 'fletcher', email: 'fletcher@notreal.com', active: false });
    await renderApp('/');

    expect(await screen.findByRole('heading', { level: 1, name: 'All Users' })).toBeInTheDocument();
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

    expect((await screen.findByText('Loading users…')).closest('[role="status"]')).toBeInTheDocument();
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

describe('Admin actions on the home page', () => {
  it('are hidden from visitors and from users who are not admins', async () => {
    const me = member();
    await renderApp('/', { loggedInAs: me });
    await screen.findByRole('cell', { name: 'michael' });

    expect(screen.queryByRole('button', { name: 'Add User' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /^Edit/ })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /^Delete/ })).not.toBeInTheDocument();
  });

  it('let an admin add a user through a validated form', async () => {
    admin();
    const { user } = await renderApp('/', { loggedInAs: db.users()[0] });

    await user.click(await screen.findByRole('button', { name: 'Add User' }));
    const dialog = await screen.findByRole('dialog', { name: 'Add User' });
    const add = within(dialog).getByRole('button', { name: 'Add' });
    expect(add).toBeDisabled();
    expect(within(dialog).getByText('Username must be greater than 5 characters.')).toHaveClass('error');

    await user.type(within(dialog).getByLabelText('Username'), 'fletcher');
    await user.type(within(dialog).getByLabelText('Email'), 'fletcher@notreal.com');
    await user.type(within(dialog).getByLabelText('Password'), 'greaterthanten');
    expect(within(dialog).getByText('Password must be greater than 10 characters.')).toHaveClass('success');
    await user.click(add);

    expect(await screen.findByText('fletcher@notreal.com was added!')).toBeInTheDocument();
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(await screen.findByRole('cell', { name: 'fletcher' })).toBeInTheDocument();
  });

  it('keep the add form open with the API message when the email is taken', async () => {
    const me = admin();
    const { user } = await renderApp('/', { loggedInAs: me });

    await user.click(await screen.findByRole('button', { name: 'Add User' }));
    const dialog = await screen.findByRole('dialog', { name: 'Add User' });
    await user.type(within(dialog).getByLabelText('Username'), 'someone');
    await user.type(within(dialog).getByLabelText('Email'), 'admin@example.com');
    await user.type(within(dialog).getByLabelText('Password'), 'greaterthanten');
    await user.click(within(dialog).getByRole('button', { name: 'Add' }));

    expect(await within(dialog).findByRole('alert')).toHaveTextContent('Sorry. That email already exists.');
  });

  it('let an admin edit a user, including the active and admin flags', async () => {
    const me = admin();
    member();
    const { user } = await renderApp('/', { loggedInAs: me });

    await screen.findByRole('cell', { name: 'michael' });
    await user.click(within(row('michael')).getByRole('button', { name: 'Edit michael' }));
    const dialog = await screen.findByRole('dialog', { name: 'Edit michael' });
    const username = within(dialog).getByLabelText('Username');
    expect(username).toHaveValue('michael');
    expect(within(dialog).getByRole('button', { name: 'Save' })).toBeDisabled();

    await user.clear(username);
    await user.type(username, 'michael.herman');
    await user.click(within(dialog).getByRole('checkbox', { name: 'Active' }));
    await user.click(within(dialog).getByRole('checkbox', { name: 'Admin' }));
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));

    expect(await screen.findByText('michael.herman was updated.')).toBeInTheDocument();
    const updated = await screen.findByRole('cell', { name: 'michael.herman' });
    expect(within(updated.closest('tr') as HTMLElement).getAllByRole('cell').map((cell) => cell.textContent)).toEqual([
      '2',
      'michael@herman.org',
      'michael.herman',
      'false',
      'true',
      'EditDelete',
    ]);
    expect(db.findUser(2)).toMatchObject({ username: 'michael.herman', active: false, admin: true });
  });

  it("let an admin change another user's email without a password", async () => {
    const me = admin();
    const michael = member();
    const { user } = await renderApp('/', { loggedInAs: me });
    const bodies = sentBodies('PATCH', `/users/${michael.id}`);

    await screen.findByRole('cell', { name: 'michael' });
    await user.click(within(row('michael')).getByRole('button', { name: 'Edit michael' }));
    const dialog = await screen.findByRole('dialog', { name: 'Edit michael' });
    const email = within(dialog).getByLabelText('Email');
    await user.clear(email);
    await user.type(email, 'michael@example.org');
    expect(within(dialog).queryByLabelText('Current password')).not.toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));

    expect(await screen.findByText('michael was updated.')).toBeInTheDocument();
    expect(bodies).toEqual([{ email: 'michael@example.org' }]);
    expect(db.findUser(michael.id)?.email).toBe('michael@example.org');
  });

  it('asks an admin who changes their own email for their password', async () => {
    const me = admin();
    const { user } = await renderApp('/', { loggedInAs: me });
    const bodies = sentBodies('PATCH', `/users/${me.id}`);

    await screen.findByRole('cell', { name: 'administrator' });
    await user.click(within(row('administrator')).getByRole('button', { name: 'Edit administrator' }));
    const dialog = await screen.findByRole('dialog', { name: 'Edit administrator' });
    const email = within(dialog).getByLabelText('Email');
    await user.clear(email);
    await user.type(email, 'boss@example.com');
    const save = within(dialog).getByRole('button', { name: 'Save' });
    expect(save).toBeDisabled();

    await user.type(within(dialog).getByLabelText('Current password'), 'not the password');
    await user.click(save);
    expect(await within(dialog).findByText('Enter your current password to change your email.')).toBeInTheDocument();
    expect(db.findUser(me.id)?.email).toBe('admin@example.com');

    const password = within(dialog).getByLabelText('Current password');
    await user.clear(password);
    await user.type(password, 'greaterthanten');
    await user.click(save);

    // One's own new email waits for the link mailed to it, admin or not.
    expect(
      await screen.findByText('Check boss@example.com: your new email address takes effect once you open the link we mailed it.'),
    ).toBeInTheDocument();
    expect(bodies).toEqual([
      { email: 'boss@example.com', current_password: 'not the password' },
      { email: 'boss@example.com', current_password: 'greaterthanten' },
    ]);
    expect(db.findUser(me.id)?.email).toBe('admin@example.com');
  });

  it('let an admin delete a user after confirming', async () => {
    const me = admin();
    member();
    const { user } = await renderApp('/', { loggedInAs: me });

    await screen.findByRole('cell', { name: 'michael' });
    await user.click(within(row('michael')).getByRole('button', { name: 'Delete michael' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete User' });
    expect(dialog).toHaveTextContent('Delete michael (michael@herman.org)? This cannot be undone.');
    expect(within(dialog).getByRole('button', { name: 'Cancel' })).toHaveFocus();

    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(db.findUser(2)).toBeDefined();

    await user.click(within(row('michael')).getByRole('button', { name: 'Delete michael' }));
    await user.click(within(await screen.findByRole('dialog', { name: 'Delete User' })).getByRole('button', { name: 'Delete' }));

    expect(await screen.findByText('michael@herman.org was removed!')).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByRole('cell', { name: 'michael' })).not.toBeInTheDocument());
    expect(db.findUser(2)).toBeUndefined();
  });

  it('show why a delete failed', async () => {
    const me = admin();
    server.use(
      http.delete('*/users/:id', () =>
        HttpResponse.json({ status: 'fail', message: 'The last active admin cannot be removed.' }, { status: 409 }),
      ),
    );
    const { user } = await renderApp('/', { loggedInAs: me });

    await user.click(await screen.findByRole('button', { name: 'Delete administrator' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete User' });
    await user.click(within(dialog).getByRole('button', { name: 'Delete' }));

    expect(await within(dialog).findByRole('alert')).toHaveTextContent('The last active admin cannot be removed.');
  });
});
