import { tokenStore } from '@/lib/api-client';
import { db, member, renderApp, screen } from '@/testing/test-utils';

describe('Session', () => {
  it('stays logged in across a reload through the refresh cookie', async () => {
    const me = member();
    await renderApp('/', { loggedInAs: me });

    expect(screen.getByRole('link', { name: 'Log Out' })).toBeInTheDocument();
    expect(tokenStore.get()).toMatch(/^token-/);
    expect(window.localStorage.length).toBe(0);
    expect(window.sessionStorage.length).toBe(0);
  });

  it('starts logged out without a refresh cookie', async () => {
    await renderApp('/');
    expect(screen.getByRole('link', { name: 'Log In' })).toBeInTheDocument();
    expect(tokenStore.get()).toBeNull();
  });

  it('logs the user out with a message when the session cannot be renewed', async () => {
    const me = member();
    const { user } = await renderApp('/about', { loggedInAs: me });

    db.expireTokens();
    db.refreshCookie = null;
    await user.click(screen.getByRole('link', { name: 'User Status' }));

    const message = await screen.findByText('Your session has expired. Please log in again.');
    expect(message.closest('.notification')).toHaveClass('is-danger');
    expect(await screen.findByRole('link', { name: 'Log In' })).toBeInTheDocument();
    expect(screen.getByText(/You must be logged in to view this/)).toBeInTheDocument();
  });

  it('renews an expired access token without the user noticing', async () => {
    const me = member();
    const { user } = await renderApp('/about', { loggedInAs: me });

    db.expireTokens();
    await user.click(screen.getByRole('link', { name: 'User Status' }));

    expect(await screen.findByText('michael@herman.org')).toBeInTheDocument();
    expect(screen.queryByText('Your session has expired. Please log in again.')).not.toBeInTheDocument();
  });
});
