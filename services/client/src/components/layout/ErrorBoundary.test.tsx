import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { Suspense } from 'react';

import { lazyImport } from '@/lib/lazy-import';
import { renderApp, server } from '@/testing/test-utils';

import { ErrorBoundary } from './ErrorBoundary';

// React reports every error a boundary catches on the console; the tests expect them.
const quietConsole = () => vi.spyOn(console, 'error').mockImplementation(() => {});

let healthy = false;
function Fragile() {
  if (!healthy) throw new Error('Cannot read properties of undefined');
  return <h1>Working page</h1>;
}

describe('ErrorBoundary', () => {
  beforeEach(() => {
    healthy = false;
  });

  it('shows an error page with a retry and a way home when a page fails to render', async () => {
    quietConsole();
    const user = userEvent.setup();
    render(
      <ErrorBoundary>
        <Fragile />
      </ErrorBoundary>,
    );

    expect(screen.getByRole('heading', { level: 1, name: 'Something Went Wrong' })).toBeInTheDocument();
    expect(screen.getByText(/this page stopped working/)).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'home page' })).toHaveAttribute('href', '/');

    healthy = true;
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(screen.getByRole('heading', { level: 1, name: 'Working page' })).toBeInTheDocument();
  });

  it('shows an error page when a page module cannot be loaded, and loads the app afresh on retry', async () => {
    quietConsole();
    const reload = vi.spyOn(window.location, 'reload').mockImplementation(() => {});
    const load = vi.fn(() => Promise.reject(new TypeError('Failed to fetch dynamically imported module: /assets/AboutPage.js')));
    const Page = lazyImport(load, 'AboutPage');
    const user = userEvent.setup();
    render(
      <ErrorBoundary>
        <Suspense fallback={<p>Loading…</p>}>
          <Page />
        </Suspense>
      </ErrorBoundary>,
    );

    expect(await screen.findByRole('heading', { level: 1, name: 'Something Went Wrong' })).toBeInTheDocument();
    expect(screen.getByText('This page could not be loaded. Check your connection, then try again.')).toBeInTheDocument();
    expect(load).toHaveBeenCalledTimes(1);

    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(reload).toHaveBeenCalledTimes(1);
  });

  it('gives the next page another chance', () => {
    quietConsole();
    const { rerender } = render(
      <ErrorBoundary resetKey="/broken">
        <Fragile />
      </ErrorBoundary>,
    );
    expect(screen.getByRole('heading', { name: 'Something Went Wrong' })).toBeInTheDocument();

    healthy = true;
    rerender(
      <ErrorBoundary resetKey="/next">
        <Fragile />
      </ErrorBoundary>,
    );
    expect(screen.getByRole('heading', { name: 'Working page' })).toBeInTheDocument();
  });

  it('brings its own main landmark where no layout is around it', () => {
    quietConsole();
    render(
      <ErrorBoundary standalone>
        <Fragile />
      </ErrorBoundary>,
    );
    expect(screen.getByRole('main')).toContainElement(screen.getByRole('heading', { name: 'Something Went Wrong' }));
  });

  it('keeps the navbar around a page that failed, and lets the user move on', async () => {
    quietConsole();
    // An answer the page cannot render: no list of users.
    server.use(http.get('*/users', () => HttpResponse.json({ status: 'success', data: { page: 1, per_page: 10, total: 1 } })));
    const { user } = await renderApp('/');

    expect(await screen.findByRole('heading', { level: 1, name: 'Something Went Wrong' })).toBeInTheDocument();
    expect(screen.getByRole('navigation', { name: 'main navigation' })).toBeInTheDocument();

    await user.click(screen.getByRole('link', { name: 'About' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'About' })).toBeInTheDocument();
    expect(screen.queryByRole('heading', { name: 'Something Went Wrong' })).not.toBeInTheDocument();
  });
});
