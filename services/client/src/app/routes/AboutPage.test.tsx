import { renderApp, screen } from '@/testing/test-utils';

describe('About page', () => {
  it('has the "About" heading', async () => {
    await renderApp('/about');
    expect(await screen.findByRole('heading', { level: 1, name: 'About' })).toBeInTheDocument();
  });

  it('names itself in the browser tab, and the next page does the same', async () => {
    const { user } = await renderApp('/about');
    await screen.findByRole('heading', { level: 1, name: 'About' });
    expect(document.title).toBe('About · Users');
    // The tab's title is the document's, not a <title> element among the page's content.
    expect(document.body.querySelector('title')).toBeNull();

    await user.click(screen.getByRole('link', { name: 'Home' }));
    await screen.findByRole('heading', { level: 1, name: 'All Users' });
    expect(document.title).toBe('All Users · Users');
  });
});
