import { http, HttpResponse } from 'msw';

import { renderApp, screen, server } from '@/testing/test-utils';

import { RESET_REQUESTED_MESSAGE } from './ForgotPasswordPage';

describe('Forgot password page', () => {
  it('sends the email and shows the same neutral message whether or not an account exists', async () => {
    const received: unknown[] = [];
    server.use(
      http.post('*/auth/password-reset', async ({ request }) => {
        received.push(await request.json());
        return HttpResponse.json({ status: 'success', message: 'Check your inbox.' }, { status: 202 });
      }),
    );
    const { user } = await renderApp('/forgot-password');

    expect(await screen.findByRole('heading', { level: 1, name: 'Forgot Password' })).toBeInTheDocument();
    const send = screen.getByRole('button', { name: 'Send reset link' });
    expect(send).toBeDisabled();
    await user.type(screen.getByLabelText('Email'), 'nobody@example.com');
    await user.click(send);

    expect(await screen.findByText(RESET_REQUESTED_MESSAGE)).toBeInTheDocument();
    expect(received).toEqual([{ email: 'nobody@example.com' }]);
  });

  it('says so when the request cannot be sent', async () => {
    server.use(
      http.post('*/auth/password-reset', () =>
        HttpResponse.json({ status: 'fail', message: 'Too many requests. Try again later.' }, { status: 429 }),
      ),
    );
    const { user } = await renderApp('/forgot-password');

    await user.type(await screen.findByLabelText('Email'), 'michael@herman.org');
    await user.click(screen.getByRole('button', { name: 'Send reset link' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('Too many requests. Try again later.');
  });
});
