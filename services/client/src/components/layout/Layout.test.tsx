import { renderApp, screen } from '@/testing/test-utils';

describe('Layout', () => {
  it('moves focus to the page content after navigating', async () => {
    const { user } = await renderApp('/');
    await user.click(screen.getByRole('link', { name: 'About' }));

    await screen.findByRole('heading', { level: 1, name: 'About' });
    expect(screen.getByRole('main')).toHaveFocus();
  });

  it('offers a link that skips the navbar', async () => {
    await renderApp('/');
    expect(screen.getByRole('link', { name: 'Skip to content' })).toHaveAttribute('href', '#main');
  });
});
