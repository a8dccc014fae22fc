import { http, HttpResponse } from 'msw';

import { db, member, renderApp, screen, sentBodies, server, within } from '@/testing/test-utils';

describe('Settings page', () => {

  it('asks a visitor to log in', async () => {
    await renderApp('/settings');
    expect(await screen.findByText(/You must be logged in to view this/)).toBeInTheDocument();
  });

  it('changes the email of the signed-in user once they give their current password', async () => {
    const me = member();
    const { user } = await renderApp('/settings', { loggedInAs: me });
    const bodies = sentBodies('PATCH', `/users/${me.id}`);

    const profile = await screen.findByRole('form', { name: 'Profile' });
    const save = within(profile).getByRole('button', { name: 'Save changes' });
    expect(save).toBeDisabled();
    expect(within(profile).queryByLabelText('Current password')).not.toBeInTheDocument();

    const email = within(profile).getByLabelText('Email');
    await user.clear(email);
    await user.type(email, 'michael@');
    expect(within(profile).getByText('Email must be a valid email address.')).toHaveClass('error');
    expect(save).toBeDisabled();
    await user.type(email, 'example.org');
    expect(within(profile).getByText('Current password is required.')).toHaveClass('error');
    expect(save).toBeDisabled();

    const password = within(profile).getByLabelText('Current password');
    expect(password).toBeRequired();
    await user.type(password, 'greaterthanten');
    expect(within(profile).getByText('Current password is required.')).toHaveClass('success');
    await user.click(save);

    // The change waits for the link mailed to the new address: the form says where to look.
    expect(await within(profile).findByRole('status')).toHaveTextContent(
      'Check michael@example.org: your new email address takes effect once you open the link we mailed it.',
    );
    expect(screen.queryByText('Your details have been saved.')).not.toBeInTheDocument();
    expect(db.findUser(me.id)?.email).toBe('michael@herman.org');
    expect(bodies).toEqual([{ email: 'michael@example.org', current_password: 'greaterthanten' }]);
    // The form shows the account's address again: no password is asked for, and none is kept.
    expect(within(profile).getByLabelText('Email')).toHaveValue('michael@herman.org');
    expect(within(profile).queryByLabelText('Current password')).not.toBeInTheDocument();
  });

  it('shows why an email change without the right password was refused', async () => {
    const me = member();
    const { user } = await renderApp('/settings', { loggedInAs: me });

    const profile = await screen.findByRole('form', { name: 'Profile' });
    const email = within(profile).getByLabelText('Email');
    await user.clear(email);
    await user.type(email, 'michael@example.org');
    await user.type(within(profile).getByLabelText('Current password'), 'not my password');
    await user.click(within(profile).getByRole('button', { name: 'Save changes' }));

    const password = within(profile).getByLabelText('Current password');
    expect(await within(profile).findByText('Enter your current password to change your email.')).toBeInTheDocument();
    expect(password).toHaveAttribute('aria-invalid', 'true');
    expect(password).toHaveAccessibleDescription('Enter your current password to change your email.');
    expect(screen.getByText('Invalid payload.').closest('.notification')).toHaveClass('is-danger');
    expect(db.findUser(me.id)?.email).toBe('michael@herman.org');
  });

  it('changes the username alone without asking for the password', async () => {
    const me = member();
    const { user } = await renderApp('/settings', { loggedInAs: me });
    const bodies = sentBodies('PATCH', `/users/${me.id}`);

    const profile = await screen.findByRole('form', { name: 'Profile' });
    const username = within(profile).getByLabelText('Username');
    await user.clear(username);
    await user.type(username, 'michael.herman');
    expect(within(profile).queryByLabelText('Current password')).not.toBeInTheDocument();
    await user.click(within(profile).getByRole('button', { name: 'Save changes' }));

    expect(await screen.findByText('Your details have been saved.')).toBeInTheDocument();
    expect(db.findUser(me.id)?.username).toBe('michael.herman');
    expect(bodies).toEqual([{ username: 'michael.herman' }]);
  });

  it('shows the API message when the new details are refused', async () => {
    const me = member();
    db.addUser({ username: 'fletcher', email: 'fletcher@notreal.com' });
    const { user } = await renderApp('/settings', { loggedInAs: me });
    server.use(
      http.patch('*/users/:id', () =>
        HttpResponse.json({ status: 'fail', message: 'Sorry. That email already exists.' }, { status: 409 }),
      ),
    );

    const profile = await screen.findByRole('form', { name: 'Profile' });
    const email = within(profile).getByLabelText('Email');
    await user.clear(email);
    await user.type(email, 'fletcher@notreal.com');
    await user.type(within(profile).getByLabelText('Current password'), 'greaterthanten');
    await user.click(within(profile).getByRole('button', { name: 'Save changes' }));

    const message = await screen.findByText('Sorry. That email already exists.');
    expect(message.closest('.notification')).toHaveClass('is-danger');
  });

  it('changes the password once the current one is given and the new one is long enough', async () => {
    const me = member();
    const { user } = await renderApp('/settings', { loggedInAs: me });

    const form = await screen.findByRole('form', { name: 'Change password' });
    const submit = within(form).getByRole('button', { name: 'Change password' });
    await user.type(within(form).getByLabelText('Current password'), 'greaterthanten');
    await user.type(within(form).getByLabelText('New password'), 'short');
    expect(within(form).getByText('Password must be greater than 10 characters.')).toHaveClass('error');
    expect(submit).toBeDisabled();

    await user.type(within(form).getByLabelText('New password'), ' but now long');
    const requests: string[] = [];
    const track = ({ request }: { request: Request }) => requests.push(new URL(request.url).pathname);
    server.events.on('request:start', track);
    await user.click(submit);

    expect(await screen.findByText('Your password has been changed.')).toBeInTheDocument();
    expect(db.findUser(me.id)?.password).toBe('short but now long');
    expect(within(form).getByLabelText('Current password')).toHaveValue('');

    // The old token was revoked; the session goes on with the one from the answer.
    await user.click(screen.getByRole('link', { name: 'User Status' }));
    expect(await screen.findByText('michael@herman.org')).toBeInTheDocument();
    server.events.removeListener('request:start', track);
    expect(requests).toEqual(['/auth/password', '/auth/status']);
  });

  it('shows why a password change was refused', async () => {
    const me = member();
    const { user } = await renderApp('/settings', { loggedInAs: me });

    const form = await screen.findByRole('form', { name: 'Change password' });
    await user.type(within(form).getByLabelText('Current password'), 'not my password');
    await user.type(within(form).getByLabelText('New password'), 'a brand new password');
    await user.click(within(form).getByRole('button', { name: 'Change password' }));

    expect(await within(form).findByText('Current password is incorrect.')).toBeInTheDocument();
    expect(screen.getByText('Invalid payload.').closest('.notification')).toHaveClass('is-danger');
  });
});
