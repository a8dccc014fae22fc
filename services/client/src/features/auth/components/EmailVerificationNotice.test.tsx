import { http, HttpResponse } from 'msw';

import { db, member, renderApp, screen, server, within } from '@/testing/test-utils';

describe('Email verification notice', () => {
  it('tells an unverified user and mails a new link on request', async () => {
    const me = db.addUser({ username: 'new.person', email: 'new@example.com', email_verified: false });
    let resent = 0;
    server.use(
      http.post('*/auth/verify-email/resend', () => {
        resent += 1;
        return HttpResponse.json({ status: 'success', message: 'A new verification link is on its way.' });
      }),
    );
    const { user } = await renderApp('/settings', { loggedInAs: me });

    const notice = await screen.findByRole('region', { name: 'Email verification' });
    expect(notice).toHaveTextContent('Your email address new@example.com is not verified yet.');
    await user.click(within(notice).getByRole('button', { name: 'Resend the link' }));

    expect(await within(notice).findByRole('status')).toHaveTextContent('A new verification link is on its way.');
    expect(resent).toBe(1);
  });

  it('shows why a new link was refused', async () => {
    const me = db.addUser({ username: 'new.person', email: 'new@example.com', email_verified: false });
    server.use(
      http.post('*/auth/verify-email/resend', () =>
        HttpResponse.json(
          { status: 'fail', message: 'Too many verification emails. Please try again later.' },
          { status: 429 },
        ),
      ),
    );
    const { user } = await renderApp('/settings', { loggedInAs: me });

    await user.click(await screen.findByRole('button', { name: 'Resend the link' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('Too many verification emails. Please try again later.');
  });

  it('is not shown once the address is verified', async () => {
    await renderApp('/settings', { loggedInAs: member() });

    await screen.findByRole('form', { name: 'Profile' });
    expect(screen.queryByRole('region', { name: 'Email verification' })).not.toBeInTheDocument();
  });
});
