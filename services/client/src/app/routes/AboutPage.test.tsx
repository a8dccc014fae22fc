import { renderApp, screen } from '@/testing/test-utils';

describe('About page', () => {
  it('has the "About" heading', async () => {
    await renderApp('/about');
    expect(await screen.findByRole('heading', { level: 1, name: 'About' })).toBeInTheDocument();
    expect(document.title).toBe('About · Users');
  });
});
