import { http, HttpResponse } from 'msw';

import { seriousViolations } from '@/testing/axe';
import { admin, db, member, renderApp, screen, server } from '@/testing/test-utils';

const pages: [string, string][] = [
  ['/', 'All Users'],
  ['/about', 'About'],
  ['/register', 'Register'],
  ['/login', 'Log In'],
  ['/forgot-password', 'Forgot Password'],
  ['/reset-password#token=abc', 'Reset Password'],
  ['/nowhere', 'Page Not Found'],
];

describe('Accessibility', () => {
  it.each(pages)('%s has no serious or critical axe violations for a visitor', async (path, heading) => {
    member();
    await renderApp(path);
    await screen.findByRole('heading', { level: 1, name: heading });
    expect(await seriousViolations()).toEqual([]);
  });

  it.each([
    ['/status', 'Account Status'],
    ['/settings', 'Settings'],
  ])('%s has no serious or critical axe violations for a signed-in user', async (path, heading) => {
    await renderApp(path, { loggedInAs: member() });
    await screen.findByRole('heading', { level: 1, name: heading });
    expect(await seriousViolations()).toEqual([]);
  });

  it('the settings page with its sessions listed has no serious or critical axe violations', async () => {
    const me = member();
    db.addSession({ user_id: me.id, user_agent: 'Another browser', address: '198.51.100.7' });
    await renderApp('/settings', { loggedInAs: me });
    await screen.findByRole('button', { name: 'End the session on Another browser' });
    expect(await seriousViolations()).toEqual([]);
  });

  it('the items page and its modals have no serious or critical axe violations for an admin', async () => {
    const me = admin();
    db.addItem({ title: 'Audit logs', description: 'Monthly', owner_id: me.id });
    const { user } = await renderApp('/my-items', { loggedInAs: me });
    await screen.findByRole('button', { name: 'Edit Audit logs' });
    expect(await seriousViolations()).toEqual([]);

    await user.click(screen.getByRole('button', { name: 'Add Item' }));
    await screen.findByRole('dialog', { name: 'Add Item' });
    expect(await seriousViolations()).toEqual([]);
    await user.keyboard('{Escape}');

    await user.click(screen.getByRole('button', { name: 'Edit Audit logs' }));
    await screen.findByRole('dialog', { name: 'Edit Audit logs' });
    expect(await seriousViolations()).toEqual([]);
    await user.keyboard('{Escape}');

    await user.click(screen.getByRole('button', { name: 'Delete Audit logs' }));
    await screen.findByRole('dialog', { name: 'Delete Item' });
    expect(await seriousViolations()).toEqual([]);
  });

  it('the items page has no serious or critical axe violations for a visitor', async () => {
    await renderApp('/my-items');
    await screen.findByText(/You must be logged in to view this/);
    expect(await seriousViolations()).toEqual([]);
  });

  it('the logout page has no serious or critical axe violations', async () => {
    await renderApp('/logout', { loggedInAs: member() });
    await screen.findByText(/You are now logged out/);
    expect(await seriousViolations()).toEqual([]);
  });

  it('the admin view and its modals have no serious or critical axe violations', async () => {
    const me = admin();
    member();
    const { user } = await renderApp('/', { loggedInAs: me });
    await screen.findByRole('button', { name: 'Edit michael' });
    expect(await seriousViolations()).toEqual([]);

    await user.click(screen.getByRole('button', { name: 'Add User' }));
    await screen.findByRole('dialog', { name: 'Add User' });
    expect(await seriousViolations()).toEqual([]);
    await user.keyboard('{Escape}');

    await user.click(screen.getByRole('button', { name: 'Edit michael' }));
    await screen.findByRole('dialog', { name: 'Edit michael' });
    expect(await seriousViolations()).toEqual([]);
  });

  it('the error page has no serious or critical axe violations', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    server.use(http.get('*/users', () => HttpResponse.json({ status: 'success', data: {} })));
    await renderApp('/');
    await screen.findByRole('heading', { level: 1, name: 'Something Went Wrong' });
    expect(await seriousViolations()).toEqual([]);
  });
});
