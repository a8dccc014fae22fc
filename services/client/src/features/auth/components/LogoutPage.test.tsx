import { db, member, renderApp, screen } from '@/testing/test-utils';

const loggedOutText = 'You are now logged out. Click here to log back in.';
const byText = (text: string) => (_: string, element: Element | null) => element?.tagName === 'P' && element.textContent === text;

describe('Logout page', () => {
  it('ends the session on the server and in the navbar', async () => {
    const me = member();
    const { user } = await renderApp('/', { loggedInAs: me });

    await user.click(screen.getByRole('link', { name: 'Log Out' }));
    expect(await screen.findByText(byText(loggedOutText))).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Log In' })).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'User Status' })).not.toBeInTheDocument();
    expect(db.refreshCookie).toBeNull();

    await user.click(screen.getByRole('link', { name: 'here' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Log In' })).toBeInTheDocument();
  });

  it('says the same to a visitor who was not logged in', async () => {
    await renderApp('/logout');
    expect(await screen.findByText(byText(loggedOutText))).toBeInTheDocument();
  });
});
