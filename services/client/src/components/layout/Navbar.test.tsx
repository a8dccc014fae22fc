import { member, renderApp, screen } from '@/testing/test-utils';

describe('Navbar', () => {
  it('offers Register and Log In to visitors', async () => {
    await renderApp('/about');
    const nav = screen.getByRole('navigation', { name: 'main navigation' });
    expect(nav).toHaveClass('navbar', 'is-dark');
    for (const name of ['Home', 'About', 'Register', 'Log In']) {
      expect(screen.getByRole('link', { name })).toBeInTheDocument();
    }
    expect(screen.queryByRole('link', { name: 'User Status' })).not.toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'Items' })).not.toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'Log Out' })).not.toBeInTheDocument();
  });

  it('offers User Status and Log Out to a signed-in user', async () => {
    await renderApp('/about', { loggedInAs: member() });
    for (const name of ['Home', 'About', 'Items', 'User Status', 'Settings', 'Log Out']) {
      expect(screen.getByRole('link', { name })).toBeInTheDocument();
    }
    expect(screen.getByRole('link', { name: 'Items' })).toHaveAttribute('href', '/my-items');
    expect(screen.queryByRole('link', { name: 'Register' })).not.toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'Log In' })).not.toBeInTheDocument();
  });

  it('opens and closes the menu with the burger button on narrow screens', async () => {
    const { user } = await renderApp('/about');
    const burger = screen.getByRole('button', { name: 'Menu' });
    expect(burger).toHaveAttribute('aria-expanded', 'false');

    await user.click(burger);
    expect(burger).toHaveAttribute('aria-expanded', 'true');
    expect(burger).toHaveClass('is-active');

    await user.click(screen.getByRole('link', { name: 'Home' }));
    expect(burger).toHaveAttribute('aria-expanded', 'false');
  });
});
