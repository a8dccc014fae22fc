import { http, HttpResponse } from 'msw';

import { admin, db, member, renderApp, screen, server, waitFor, within } from '@/testing/test-utils';

const row = (username: string) => screen.getByRole('cell', { name: username }).closest('tr') as HTMLElement;

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
    const dialog = screen.getByRole('dialog', { name: 'Add User' });
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
    const dialog = screen.getByRole('dialog', { name: 'Add User' });
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
    const dialog = screen.getByRole('dialog', { name: 'Edit michael' });
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

  it('let an admin delete a user after confirming', async () => {
    const me = admin();
    member();
    const { user } = await renderApp('/', { loggedInAs: me });

    await screen.findByRole('cell', { name: 'michael' });
    await user.click(within(row('michael')).getByRole('button', { name: 'Delete michael' }));
    const dialog = screen.getByRole('dialog', { name: 'Delete User' });
    expect(dialog).toHaveTextContent('Delete michael (michael@herman.org)? This cannot be undone.');
    expect(within(dialog).getByRole('button', { name: 'Cancel' })).toHaveFocus();

    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(db.findUser(2)).toBeDefined();

    await user.click(within(row('michael')).getByRole('button', { name: 'Delete michael' }));
    await user.click(within(screen.getByRole('dialog', { name: 'Delete User' })).getByRole('button', { name: 'Delete' }));

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
    const dialog = screen.getByRole('dialog', { name: 'Delete User' });
    await user.click(within(dialog).getByRole('button', { name: 'Delete' }));

    expect(await within(dialog).findByRole('alert')).toHaveTextContent('The last active admin cannot be removed.');
  });
});
