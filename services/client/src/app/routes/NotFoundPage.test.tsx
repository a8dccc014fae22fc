import { renderApp, screen } from '@/testing/test-utils';

describe('Unknown addresses', () => {
  it('show a not-found page with a way home', async () => {
    const { user } = await renderApp('/no/such/page');
    expect(await screen.findByRole('heading', { level: 1, name: 'Page Not Found' })).toBeInTheDocument();

    await user.click(screen.getByRole('link', { name: 'home page' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'All Users' })).toBeInTheDocument();
  });
});
