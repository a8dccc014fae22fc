import { renderApp, screen, sentBodies } from '@/testing/test-utils';

import { forgetResetToken, takeResetTokenFromAddressBar } from '../reset-token';

import { PASSWORD_RESET_MESSAGE } from './ResetPasswordPage';

async function setNewPassword(user: Awaited<ReturnType<typeof renderApp>>['user'], password: string) {
  await user.type(await screen.findByLabelText('New password'), password);
  await user.click(screen.getByRole('button', { name: 'Reset password' }));
}

describe('Reset password page', () => {
  afterEach(() => {
    forgetResetToken();
    window.history.replaceState(null, '', '/');
  });

  it('sets a new password with the token from the link and sends the user to log in', async () => {
    const bodies = sentBodies('POST', '/auth/password-reset/confirm');
    const { user } = await renderApp('/reset-password#token=valid-reset-token');

    const password = await screen.findByLabelText('New password');
    await user.type(password, 'short');
    expect(screen.getByRole('button', { name: 'Reset password' })).toBeDisabled();
    await user.type(password, ' and now long enough');
    await user.click(screen.getByRole('button', { name: 'Reset password' }));

    expect(await screen.findByRole('heading', { level: 1, name: 'Log In' })).toBeInTheDocument();
    expect(screen.getByText(PASSWORD_RESET_MESSAGE).closest('.notification')).toHaveClass('is-success');
    expect(bodies).toEqual([{ token: 'valid-reset-token', password: expect.any(String) }]);
  });

  it('still accepts a link mailed with the token in its query', async () => {
    const bodies = sentBodies('POST', '/auth/password-reset/confirm');
    const { user } = await renderApp('/reset-password?token=valid-reset-token');

    await setNewPassword(user, 'a long new password');

    expect(await screen.findByRole('heading', { level: 1, name: 'Log In' })).toBeInTheDocument();
    expect(bodies).toEqual([{ token: 'valid-reset-token', password: expect.any(String) }]);
  });

  it('takes the token out of the address bar before the app starts, and sends it in the body', async () => {
    window.history.replaceState(null, '', '/reset-password#token=valid-reset-token');
    takeResetTokenFromAddressBar();
    expect(window.location.pathname).toBe('/reset-password');
    expect(window.location.href).not.toContain('valid-reset-token');

    const bodies = sentBodies('POST', '/auth/password-reset/confirm');
    const { user } = await renderApp('/reset-password');
    await setNewPassword(user, 'a long new password');

    expect(await screen.findByRole('heading', { level: 1, name: 'Log In' })).toBeInTheDocument();
    expect(bodies).toEqual([{ token: 'valid-reset-token', password: expect.any(String) }]);
  });

  it('takes an old link’s token out of the query and keeps the rest of it', async () => {
    window.history.replaceState(null, '', '/reset-password?token=valid-reset-token&lang=en');
    takeResetTokenFromAddressBar();
    expect(window.location.search).toBe('?lang=en');
  });

  it('leaves the address of any other page alone', async () => {
    window.history.replaceState(null, '', '/login?token=not-a-reset-token');
    takeResetTokenFromAddressBar();
    expect(window.location.search).toBe('?token=not-a-reset-token');
  });

  it('shows why an expired or used link does not work', async () => {
    const { user } = await renderApp('/reset-password#token=used-token');

    await setNewPassword(user, 'a long new password');

    expect(await screen.findByRole('alert')).toHaveTextContent('Invalid or expired reset token.');
  });

  it('explains a link without a token', async () => {
    await renderApp('/reset-password');
    expect(await screen.findByRole('alert')).toHaveTextContent('This reset link is incomplete.');
    expect(screen.getByRole('link', { name: 'Ask for a new one' })).toHaveAttribute('href', '/forgot-password');
  });
});
