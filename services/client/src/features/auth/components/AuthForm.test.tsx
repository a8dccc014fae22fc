import { http, HttpResponse } from 'msw';

import { db, member, renderApp, screen, server, waitFor, within } from '@/testing/test-utils';

const rulesList = () => screen.getByRole('list', { name: 'Form rules' });
const rule = (text: string) => within(rulesList()).getByText(text);

describe('Register page', () => {
  it('lists the rules as unmet and keeps Submit disabled at first', async () => {
    await renderApp('/register');
    expect(await screen.findByRole('heading', { level: 1, name: 'Register' })).toBeInTheDocument();
    expect(rulesList()).toHaveClass('validation-list');

    const texts = within(rulesList())
      .getAllByRole('listitem')
      .map((item) => [item.textContent, item.className]);
    expect(texts).toEqual([
      ['Username must be greater than 5 characters.', 'error'],
      ['Email must be greater than 5 characters.', 'error'],
      ['Email must be a valid email address.', 'error'],
      ['Password must be greater than 10 characters.', 'error'],
    ]);
    expect(screen.getByRole('button', { name: 'Submit' })).toBeDisabled();
  });

  it('marks each rule as met while the user types and then enables Submit', async () => {
    const { user } = await renderApp('/register');
    const username = await screen.findByLabelText('Username');
    expect(username).toHaveAttribute('name', 'username');

    await user.type(username, 'micha');
    expect(rule('Username must be greater than 5 characters.')).toHaveClass('error');
    await user.type(username, 'el');
    expect(rule('Username must be greater than 5 characters.')).toHaveClass('success');

    await user.type(screen.getByLabelText('Email'), 'michael@');
    expect(rule('Email must be greater than 5 characters.')).toHaveClass('success');
    expect(rule('Email must be a valid email address.')).toHaveClass('error');
    await user.type(screen.getByLabelText('Email'), 'herman.org');
    expect(rule('Email must be a valid email address.')).toHaveClass('success');

    await user.type(screen.getByLabelText('Password'), 'tencharsxx');
    expect(screen.getByRole('button', { name: 'Submit' })).toBeDisabled();
    await user.type(screen.getByLabelText('Password'), 'x');
    expect(rule('Password must be greater than 10 characters.')).toHaveClass('success');
    expect(screen.getByRole('button', { name: 'Submit' })).toBeEnabled();
  });

  it('registers, logs the user in, says "Welcome!" and goes home', async () => {
    const { user } = await renderApp('/register');
    await user.type(await screen.findByLabelText('Username'), 'michael');
    await user.type(screen.getByLabelText('Email'), 'michael@herman.org');
    await user.type(screen.getByLabelText('Password'), 'greaterthanten');
    await user.click(screen.getByRole('button', { name: 'Submit' }));

    expect(await screen.findByRole('heading', { level: 1, name: 'All Users' })).toBeInTheDocument();
    expect(screen.getByText('Welcome!').closest('.notification')).toHaveClass('is-success');
    expect(screen.getByRole('link', { name: 'Log Out' })).toBeInTheDocument();
    expect(db.findByEmail('michael@herman.org')).toBeDefined();
  });

  it('sends a new user to log in after mailing the link when a login needs a verified email', async () => {
    const verifyFirst = 'Successfully registered. Please open the link we mailed you to verify your address, then log in.';
    server.use(
      http.post('*/auth/register', () => HttpResponse.json({ status: 'success', message: verifyFirst }, { status: 201 })),
    );
    const { user } = await renderApp('/register');
    await user.type(await screen.findByLabelText('Username'), 'michael');
    await user.type(screen.getByLabelText('Email'), 'michael@herman.org');
    await user.type(screen.getByLabelText('Password'), 'greaterthanten');
    await user.click(screen.getByRole('button', { name: 'Submit' }));

    expect(await screen.findByRole('heading', { level: 1, name: 'Log In' })).toBeInTheDocument();
    expect(screen.getByText(verifyFirst).closest('.notification')).toHaveClass('is-success');
    expect(screen.queryByRole('link', { name: 'Log Out' })).not.toBeInTheDocument();
  });

  it('shows the API message when the user already exists', async () => {
    member();
    const { user } = await renderApp('/register');
    await user.type(await screen.findByLabelText('Username'), 'michael');
    await user.type(screen.getByLabelText('Email'), 'michael@herman.org');
    await user.type(screen.getByLabelText('Password'), 'greaterthanten');
    await user.click(screen.getByRole('button', { name: 'Submit' }));

    const message = await screen.findByText('Sorry. That user already exists.');
    expect(message.closest('.notification')).toHaveClass('is-danger');
    expect(screen.getByRole('heading', { level: 1, name: 'Register' })).toBeInTheDocument();
  });

  it('shows the reasons the server gives for a field', async () => {
    server.use(
      http.post('*/auth/register', () =>
        HttpResponse.json(
          { status: 'fail', message: 'Invalid payload.', errors: { password: ['This password is too common.'] } },
          { status: 400 },
        ),
      ),
    );
    const { user } = await renderApp('/register');
    await user.type(await screen.findByLabelText('Username'), 'michael');
    await user.type(screen.getByLabelText('Email'), 'michael@herman.org');
    await user.type(screen.getByLabelText('Password'), 'password123');
    await user.click(screen.getByRole('button', { name: 'Submit' }));

    expect(await screen.findByText('This password is too common.')).toBeInTheDocument();
    expect(screen.getByLabelText('Password')).toHaveAccessibleDescription('This password is too common.');
    expect(screen.getByText('Invalid payload.').closest('.notification')).toHaveClass('is-danger');
  });

  it('sends a signed-in user home', async () => {
    await renderApp('/register', { loggedInAs: member() });
    expect(await screen.findByRole('heading', { level: 1, name: 'All Users' })).toBeInTheDocument();
  });
});

describe('Log In page', () => {
  it('requires an email and a password before Submit is enabled', async () => {
    const { user } = await renderApp('/login');
    expect(await screen.findByRole('heading', { level: 1, name: 'Log In' })).toBeInTheDocument();
    expect(screen.queryByLabelText('Username')).not.toBeInTheDocument();
    expect(within(rulesList()).getAllByRole('listitem').map((item) => item.textContent)).toEqual([
      'Email is required.',
      'Password is required.',
    ]);
    expect(screen.getByRole('button', { name: 'Submit' })).toBeDisabled();

    await user.type(screen.getByLabelText('Email'), 'm');
    expect(rule('Email is required.')).toHaveClass('success');
    expect(rule('Password is required.')).toHaveClass('error');
    await user.type(screen.getByLabelText('Password'), 'p');
    expect(screen.getByRole('button', { name: 'Submit' })).toBeEnabled();
  });

  it('logs in, says "Welcome!" and goes home', async () => {
    member();
    const { user } = await renderApp('/login');
    await user.type(await screen.findByLabelText('Email'), 'michael@herman.org');
    await user.type(screen.getByLabelText('Password'), 'greaterthanten');
    await user.click(screen.getByRole('button', { name: 'Submit' }));

    expect(await screen.findByText('Welcome!')).toBeInTheDocument();
    expect(await screen.findByRole('heading', { level: 1, name: 'All Users' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'User Status' })).toBeInTheDocument();
  });

  it('shows the API message for wrong credentials', async () => {
    member();
    const { user } = await renderApp('/login');
    await user.type(await screen.findByLabelText('Email'), 'michael@herman.org');
    await user.type(screen.getByLabelText('Password'), 'wrong password');
    await user.click(screen.getByRole('button', { name: 'Submit' }));

    const message = await screen.findByText('Invalid email or password.');
    expect(message.closest('.notification')).toHaveClass('is-danger');
  });

  it('starts with fresh rules and empty fields after switching from Register', async () => {
    const { user } = await renderApp('/register');
    await user.type(await screen.findByLabelText('Email'), 'michael@herman.org');
    expect(rule('Email must be a valid email address.')).toHaveClass('success');

    await user.click(screen.getByRole('link', { name: 'Log In' }));
    await screen.findByRole('heading', { level: 1, name: 'Log In' });
    expect(screen.getByLabelText('Email')).toHaveValue('');
    expect(rule('Email is required.')).toHaveClass('error');

    await user.click(screen.getByRole('link', { name: 'Register' }));
    await screen.findByRole('heading', { level: 1, name: 'Register' });
    await waitFor(() => expect(rule('Email must be a valid email address.')).toHaveClass('error'));
  });
});
