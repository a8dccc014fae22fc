import { http, HttpResponse } from 'msw';

import { admin, member, renderApp, screen, server } from '@/testing/test-utils';

describe('User status page', () => {
  it('lists the signed-in user', async () => {
    await renderApp('/status', { loggedInAs: member() });

    const items = await screen.findAllByRole('listitem');
    expect(items.map((item) => item.textContent)).toEqual([
      'User ID:\u00a01',
      'Email:\u00a0michael@herman.org',
      'Username:\u00a0michael',
      'Active:\u00a0true',
      'Admin:\u00a0false',
    ]);
    expect(screen.getByText('User ID:').tagName).toBe('STRONG');
  });

  it('shows that an admin is an admin', async () => {
    await renderApp('/status', { loggedInAs: admin() });
    expect(await screen.findByText((_, element) => element?.textContent === 'Admin:\u00a0true')).toBeInTheDocument();
  });

  it('asks a visitor to log in', async () => {
    const { user } = await renderApp('/status');
    expect(
      await screen.findByText((_, element) => element?.tagName === 'P' && element.textContent === 'You must be logged in to view this. Click here to log back in.'),
    ).toBeInTheDocument();

    await user.click(screen.getByRole('link', { name: 'here' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Log In' })).toBeInTheDocument();
  });

  it('shows an error when the status cannot be loaded', async () => {
    const me = member();
    let calls = 0;
    server.use(
      http.get('*/auth/status', () =>
        ++calls > 1 ? HttpResponse.json({ status: 'fail', message: 'Service unavailable.' }, { status: 503 }) : undefined,
      ),
    );
    await renderApp('/status', { loggedInAs: me });
    expect(await screen.findByRole('alert')).toHaveTextContent('Service unavailable.');
  });
});
