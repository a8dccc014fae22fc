import { http, HttpResponse } from 'msw';

import { server } from '@/testing/mocks/server';

import { ApiError, api, logOut, onSessionEnd, refreshSession, tokenStore } from './api-client';

const ok = (data: unknown) => HttpResponse.json({ status: 'success', data });
const unauthorized = () => HttpResponse.json({ status: 'fail', message: 'Signature expired. Please log in again.' }, { status: 401 });

describe('API client', () => {
  it('sends the access token and unwraps the envelope', async () => {
    tokenStore.set('abc');
    server.use(http.get('*/auth/status', ({ request }) => ok({ authorization: request.headers.get('Authorization') })));

    const envelope = await api.get('/auth/status');
    expect(envelope.data).toEqual({ authorization: 'Bearer abc' });
  });

  it('turns a failure into an ApiError with the server message and field errors', async () => {
    server.use(
      http.post('*/users', () =>
        HttpResponse.json(
          { status: 'fail', message: 'Invalid payload.', errors: { email: ['Not a valid email address.'] } },
          { status: 400 },
        ),
      ),
    );

    const error = await api.post('/users', { body: { username: '', email: '', password: '' } }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 400, message: 'Invalid payload.', errors: { email: ['Not a valid email address.'] } });
  });

  it('explains a failure that has no JSON body', async () => {
    server.use(http.get('*/users', () => new HttpResponse('<html>Bad gateway</html>', { status: 502 })));
    await expect(api.get('/users')).rejects.toThrow('Something went wrong. Please try again.');
  });

  it('explains a network failure', async () => {
    server.use(http.get('*/users', () => HttpResponse.error()));
    await expect(api.get('/users')).rejects.toThrow('Could not reach the server.');
  });

  it('refreshes the session once on a 401 and retries with the new token', async () => {
    tokenStore.set('expired');
    const refresh = vi.fn(() => HttpResponse.json({ status: 'success', auth_token: 'fresh' }));
    server.use(
      http.post('*/auth/refresh', refresh),
      http.get('*/auth/status', ({ request }) =>
        request.headers.get('Authorization') === 'Bearer fresh' ? ok({ id: 1 }) : unauthorized(),
      ),
    );

    const [first, second] = await Promise.all([api.get('/auth/status'), api.get('/auth/status')]);
    expect(first.data).toEqual({ id: 1 });
    expect(second.data).toEqual({ id: 1 });
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(tokenStore.get()).toBe('fresh');
  });

  it('ends the session when the refresh fails too', async () => {
    tokenStore.set('expired');
    const ended = vi.fn();
    const stop = onSessionEnd(ended);
    server.use(
      http.post('*/auth/refresh', () => HttpResponse.json({ status: 'fail', message: 'Invalid token.' }, { status: 401 })),
      http.get('*/auth/status', unauthorized),
    );

    await expect(api.get('/auth/status')).rejects.toMatchObject({ status: 401 });
    expect(ended).toHaveBeenCalledTimes(1);
    expect(tokenStore.get()).toBeNull();
    stop();
  });

  it('does not try to refresh when a request without a token is refused', async () => {
    const refresh = vi.fn(() => HttpResponse.json({ status: 'success', auth_token: 'x' }));
    server.use(
      http.post('*/auth/refresh', refresh),
      http.post('*/auth/login', () => HttpResponse.json({ status: 'fail', message: 'Invalid email or password.' }, { status: 401 })),
    );

    await expect(api.post('/auth/login', { body: { email: '', password: '' }, auth: false })).rejects.toThrow('Invalid email or password.');
    expect(refresh).not.toHaveBeenCalled();
  });

  it('shares one refresh request between callers', async () => {
    const refresh = vi.fn(() => HttpResponse.json({ status: 'success', auth_token: 'shared' }));
    server.use(http.post('*/auth/refresh', refresh));

    await expect(Promise.all([refreshSession(), refreshSession()])).resolves.toEqual(['shared', 'shared']);
    expect(refresh).toHaveBeenCalledTimes(1);
  });

  it('logs out with a request that outlives the page, and forgets the token at once', async () => {
    tokenStore.set('abc');
    const sent = vi.spyOn(window, 'fetch');
    const logout = vi.fn(({ request }: { request: Request }) => {
      expect(request.headers.get('Authorization')).toBe('Bearer abc');
      return HttpResponse.json({ status: 'success', message: 'Successfully logged out.' });
    });
    server.use(http.post('*/auth/logout', logout));

    const loggingOut = logOut();
    expect(tokenStore.get()).toBeNull();
    await loggingOut;
    expect(logout).toHaveBeenCalledTimes(1);
    expect(sent).toHaveBeenCalledWith(expect.stringMatching(/\/auth\/logout$/), expect.objectContaining({ keepalive: true }));
    expect(tokenStore.get()).toBeNull();
  });

  it('ends the session behind the refresh cookie when the access token has expired', async () => {
    tokenStore.set('expired');
    const endedWith: (string | null)[] = [];
    server.use(
      http.post('*/auth/refresh', () => HttpResponse.json({ status: 'success', auth_token: 'fresh' })),
      http.post('*/auth/logout', ({ request }) => {
        endedWith.push(request.headers.get('Authorization'));
        return request.headers.get('Authorization') === 'Bearer fresh'
          ? HttpResponse.json({ status: 'success', message: 'Successfully logged out.' })
          : unauthorized();
      }),
    );

    await logOut();
    expect(endedWith).toEqual(['Bearer expired', 'Bearer fresh']);
    expect(tokenStore.get()).toBeNull();
  });

  it('sends no logout without a session', async () => {
    const logout = vi.fn(() => HttpResponse.json({ status: 'success' }));
    server.use(http.post('*/auth/logout', logout));

    await logOut();
    expect(logout).not.toHaveBeenCalled();
  });
});
