import { renderApp, screen } from '@/testing/test-utils';

import { PASSWORD_RESET_MESSAGE } from './ResetPasswordPage';

describe('Reset password page', () => {
  it('sets a new password with the token from the link and sends the user to log in', async () => {
    const { user } = await renderApp('/reset-password?token=valid-reset-token');

    const password = await screen.findByLabelText('New password');
    await user.type(password, 'short');
    expect(screen.getByRole('button', { name: 'Reset password' })).toBeDisabled();
    await user.type(password, ' and now long enough');
    await user.click(screen.getByRole('button', { name: 'Reset password' }));

    expect(await screen.findByRole('heading', { level: 1, name: 'Log In' })).toBeInTheDocument();
    expect(screen.getByText(PASSWORD_RESET_MESSAGE).closest('.notification')).toHaveClass('is-success');
  });

  it('shows why an expired or used link does not work', async () => {
    const { user } = await renderApp('/reset-password?token=used-token');

    await user.type(await screen.findByLabelText('New password'), 'a long new password');
    await user.click(screen.getByRole('button', { name: 'Reset password' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('Invalid or expired reset token.');
  });

  it('explains a link without a token', async () => {
    await renderApp('/reset-password');
    expect(await screen.findByRole('alert')).toHaveTextContent('This reset link is incomplete.');
    expect(screen.getByRole('link', { name: 'Ask for a new one' })).toHaveAttribute('href', '/forgot-password');
  });
});
