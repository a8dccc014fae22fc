import { http, HttpResponse } from 'msw';

import { Link, Route, Routes } from 'react-router';

import { db, member, renderApp, renderWithProviders, screen, sentBodies, server } from '@/testing/test-utils';

import { VerifyEmailPage } from './VerifyEmailPage';

describe('Verify email page', () => {
  it('posts the token of the link once and says the address is verified', async () => {
    const bodies = sentBodies('POST', '/auth/verify-email');
    await renderApp('/verify-email#token=valid-email-token');

    expect(await screen.findByText('Your email address is verified.')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Log in' })).toHaveAttribute('href', '/login');
    expect(bodies).toEqual([{ token: 'valid-email-token' }]);
  });

  it('shows the new state to a signed-in user', async () => {
    const me = db.addUser({ username: 'new.person', email: 'new@example.com', email_verified: false });
    server.use(
      http.post('*/auth/verify-email', () => {
        me.email_verified = true;
        return HttpResponse.json({ status: 'success', message: 'Your email address was changed.' });
      }),
    );
    await renderApp('/verify-email#token=valid-email-token', { loggedInAs: me });

    expect(await screen.findByText('Your email address was changed.')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Back to your settings' })).toHaveAttribute('href', '/settings');
  });

  it('says why a used or expired link failed', async () => {
    await renderApp('/verify-email#token=used-token');

    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Invalid or expired verification link. Please ask for a new one.',
    );
    expect(screen.getByRole('link', { name: 'Log in' })).toBeInTheDocument();
  });

  it('checks a second link opened in the same tab afresh', async () => {
    const bodies = sentBodies('POST', '/auth/verify-email');
    // A link whose only difference is the fragment: the page stays, the token changes.
    const { user } = renderWithProviders(
      <Routes>
        <Route
          path="/verify-email"
          element={
            <>
              <VerifyEmailPage />
              <Link to="/verify-email#token=valid-email-token">The newer link</Link>
            </>
          }
        />
      </Routes>,
      { path: '/verify-email#token=used-token' },
    );
    expect(await screen.findByRole('alert')).toHaveTextContent('Invalid or expired verification link.');

    await user.click(screen.getByRole('link', { name: 'The newer link' }));

    expect(await screen.findByText('Your email address is verified.')).toBeInTheDocument();
    expect(bodies).toEqual([{ token: 'used-token' }, { token: 'valid-email-token' }]);
  });

  it('says so when the link has no token, and sends nothing', async () => {
    const bodies = sentBodies('POST', '/auth/verify-email');
    await renderApp('/verify-email', { loggedInAs: member() });

    expect(await screen.findByRole('alert')).toHaveTextContent('This verification link is incomplete.');
    expect(screen.getByRole('link', { name: 'settings' })).toHaveAttribute('href', '/settings');
    expect(bodies).toEqual([]);
  });
});
