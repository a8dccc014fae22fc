import { http, HttpResponse } from 'msw';

import { db, publicUser, RECOVERY_CODES, TOTP_CODE } from './db';

const fail = (status: number, message: string, errors?: Record<string, string[]>) =>
  HttpResponse.json({ status: 'fail', message, ...(errors ? { errors } : {}) }, { status });

const unauthorized = () => fail(401, 'Provide a valid auth token.');
const forbidden = () => fail(403, 'You do not have permission to do that.');

type Body = Record<string, unknown>;
const text = (body: Body, key: string) => (typeof body[key] === 'string' ? (body[key] as string) : '');

/** The items service's rules for a title and a description, with its messages. */
function itemErrors(body: Body, { partial }: { partial: boolean }): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  if ('title' in body || !partial) {
    const title = text(body, 'title');
    if (title.trim() === '') errors.title = ['Must not be blank.'];
    else if ([...title].length > 200) errors.title = ['Length must be between 1 and 200.'];
  }
  if ([...text(body, 'description')].length > 2000) errors.description = ['Longer than maximum length 2000.'];
  return errors;
}

/** The one verification token the mock API accepts. */
export const VALID_EMAIL_TOKEN = 'valid-email-token';

const itemNotFound = () => fail(404, 'Item does not exist');

export const handlers = [
  http.get('*/users', ({ request }) => {
    const viewer = db.userForToken(request.headers.get('Authorization'));
    const url = new URL(request.url);
    const page = Number(url.searchParams.get('page') ?? 1);
    const perPage = Number(url.searchParams.get('per_page') ?? 10);
    const q = url.searchParams.get('q');
    const sort = url.searchParams.get('sort');
    const active = url.searchParams.get('active');
    const admin = url.searchParams.get('admin');
    const verified = url.searchParams.get('verified');
    if (!viewer?.admin && (sort !== null || active !== null || admin !== null || verified !== null)) {
      return fail(403, 'Only admins may sort or filter users by sort, active, admin or verified; q searches usernames.');
    }
    let all = [...db.users()];
    if (q !== null) {
      const needle = q.toLowerCase();
      all = all.filter(
        (user) => user.username.toLowerCase().includes(needle) || (viewer?.admin === true && user.email.includes(needle)),
      );
    }
    if (active !== null) all = all.filter((user) => String(user.active) === active);
    if (admin !== null) all = all.filter((user) => String(user.admin) === admin);
    if (verified !== null) all = all.filter((user) => String(user.email_verified) === verified);
    if (sort !== null) {
      const key = sort.replace(/^-/, '') as 'id' | 'username' | 'email' | 'created_date';
      const sign = sort.startsWith('-') ? -1 : 1;
      all.sort((a, b) => (a[key] < b[key] ? -sign : a[key] > b[key] ? sign : 0));
    }
    const users = all.slice((page - 1) * perPage, page * perPage).map((user) => publicUser(user, viewer));
    return HttpResponse.json({ status: 'success', data: { users, page, per_page: perPage, total: all.length } });
  }),

  http.delete('*/users/:id/sessions', ({ request, params }) => {
    const viewer = db.userForToken(request.headers.get('Authorization'));
    if (!viewer) return unauthorized();
    if (!viewer.admin) return forbidden();
    const user = db.findUser(Number(params.id));
    if (!user) return fail(404, 'User does not exist');
    const ended = db.sessionsOf(user.id);
    ended.forEach((session) => db.endSession(session.id));
    db.audit('sessions_ended_by_admin', { user_id: viewer.id, target_user_id: user.id, details: { count: ended.length } });
    const noun = ended.length === 1 ? 'session' : 'sessions';
    return HttpResponse.json({ status: 'success', message: `Ended ${ended.length} ${noun} of ${user.username}.` });
  }),

  http.delete('*/users/:id/2fa', ({ request, params }) => {
    const viewer = db.userForToken(request.headers.get('Authorization'));
    if (!viewer) return unauthorized();
    if (!viewer.admin) return forbidden();
    const user = db.findUser(Number(params.id));
    if (!user) return fail(404, 'User does not exist');
    user.two_factor_enabled = false;
    db.audit('2fa_reset', { user_id: viewer.id, target_user_id: user.id });
    return HttpResponse.json({ status: 'success', message: 'Two-factor login was reset.' });
  }),

  http.get('*/auth/audit', ({ request }) => {
    const viewer = db.userForToken(request.headers.get('Authorization'));
    if (!viewer) return unauthorized();
    if (!viewer.admin) return forbidden();
    const url = new URL(request.url);
    const page = Number(url.searchParams.get('page') ?? 1);
    const perPage = Number(url.searchParams.get('per_page') ?? 20);
    const userId = url.searchParams.get('user_id');
    const event = url.searchParams.get('event');
    const matching = [...db.auditEvents()]
      .reverse()
      .filter((row) => userId === null || row.user_id === Number(userId) || row.target_user_id === Number(userId))
      .filter((row) => event === null || row.event === event);
    const events = matching.slice((page - 1) * perPage, page * perPage);
    return HttpResponse.json({ status: 'success', data: { events, page, per_page: perPage, total: matching.length } });
  }),

  http.post('*/users', async ({ request }) => {
    const viewer = db.userForToken(request.headers.get('Authorization'));
    if (!viewer) return unauthorized();
    if (!viewer.admin) return forbidden();
    const body = (await request.json()) as Body;
    if (db.findByEmail(text(body, 'email'))) return fail(409, 'Sorry. That email already exists.');
    const user = db.addUser({ username: text(body, 'username'), email: text(body, 'email'), password: text(body, 'password') });
    return HttpResponse.json(
      { status: 'success', message: `${user.email} was added!`, data: publicUser(user, viewer) },
      { status: 201 },
    );
  }),

  http.patch('*/users/:id', async ({ request, params }) => {
    const viewer = db.userForToken(request.headers.get('Authorization'));
    if (!viewer) return unauthorized();
    const user = db.findUser(Number(params.id));
    if (!user) return fail(404, 'User does not exist');
    const body = (await request.json()) as Body;
    const touchesRoles = 'admin' in body || 'active' in body;
    if (!viewer.admin && (viewer.id !== user.id || touchesRoles)) return forbidden();
    const { current_password: currentPassword, ...changes } = body;
    const ownEmailChanges = viewer.id === user.id && 'email' in changes && changes.email !== user.email;
    if (ownEmailChanges && currentPassword !== user.password) {
      return fail(400, 'Invalid payload.', { current_password: ['Enter your current password to change your email.'] });
    }
    if (ownEmailChanges) {
      // One's own new email waits for the link mailed to it (see VALID_EMAIL_TOKEN).
      const { email, ...rest } = changes;
      Object.assign(user, rest);
      const message = `Check ${String(email)}: your new email address takes effect once you open the link we mailed it.`;
      return HttpResponse.json({ status: 'success', message, data: publicUser(user, viewer) });
    }
    Object.assign(user, changes);
    return HttpResponse.json({ status: 'success', message: 'User updated.', data: publicUser(user, viewer) });
  }),

  http.delete('*/users/:id', ({ request, params }) => {
    const viewer = db.userForToken(request.headers.get('Authorization'));
    if (!viewer) return unauthorized();
    if (!viewer.admin) return forbidden();
    const user = db.findUser(Number(params.id));
    if (!user) return fail(404, 'User does not exist');
    db.removeUser(user.id);
    return HttpResponse.json({ status: 'success', message: `${user.email} was removed!` });
  }),

  http.get('*/items', ({ request }) => {
    const viewer = db.userForToken(request.headers.get('Authorization'));
    if (!viewer) return unauthorized();
    const url = new URL(request.url);
    const ownerParam = url.searchParams.get('owner_id');
    if (ownerParam !== null && !viewer.admin) return forbidden();
    const ownerId = ownerParam === null ? viewer.id : Number(ownerParam);
    const page = Number(url.searchParams.get('page') ?? 1);
    const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 10), 100);
    const all = db.items().filter((item) => item.owner_id === ownerId);
    const items = all.slice((page - 1) * perPage, page * perPage);
    return HttpResponse.json({ status: 'success', data: { items, page, per_page: perPage, total: all.length } });
  }),

  http.post('*/items', async ({ request }) => {
    const viewer = db.userForToken(request.headers.get('Authorization'));
    if (!viewer) return unauthorized();
    const body = (await request.json()) as Body;
    const errors = itemErrors(body, { partial: false });
    if (Object.keys(errors).length > 0) return fail(400, 'Invalid payload.', errors);
    const item = db.addItem({ title: text(body, 'title'), description: text(body, 'description'), owner_id: viewer.id });
    return HttpResponse.json({ status: 'success', message: 'Item was added!', data: item }, { status: 201 });
  }),

  http.patch('*/items/:id', async ({ request, params }) => {
    const viewer = db.userForToken(request.headers.get('Authorization'));
    if (!viewer) return unauthorized();
    const item = db.findItem(Number(params.id));
    if (!item || (item.owner_id !== viewer.id && !viewer.admin)) return itemNotFound();
    const body = (await request.json()) as Body;
    const errors = itemErrors(body, { partial: true });
    if (Object.keys(errors).length > 0) return fail(400, 'Invalid payload.', errors);
    if ('title' in body) item.title = text(body, 'title');
    if ('description' in body) item.description = text(body, 'description');
    item.updated_date = '2026-01-02T00:00:00+00:00';
    return HttpResponse.json({ status: 'success', message: 'Item was updated.', data: item });
  }),

  http.delete('*/items/:id', ({ request, params }) => {
    const viewer = db.userForToken(request.headers.get('Authorization'));
    if (!viewer) return unauthorized();
    const item = db.findItem(Number(params.id));
    if (!item || (item.owner_id !== viewer.id && !viewer.admin)) return itemNotFound();
    db.removeItem(item.id);
    return HttpResponse.json({ status: 'success', message: 'Item was deleted.' });
  }),

  http.post('*/auth/register', async ({ request }) => {
    const body = (await request.json()) as Body;
    if (db.findByEmail(text(body, 'email'))) return fail(409, 'Sorry. That user already exists.');
    const user = db.addUser({ username: text(body, 'username'), email: text(body, 'email'), password: text(body, 'password') });
    return HttpResponse.json(
      { status: 'success', message: 'Successfully registered.', auth_token: db.issueToken(user.id) },
      { status: 201 },
    );
  }),

  http.post('*/auth/login', async ({ request }) => {
    const body = (await request.json()) as Body;
    const user = db.findByEmail(text(body, 'email'));
    if (!user || user.password !== text(body, 'password') || !user.active) return fail(401, 'Invalid email or password.');
    if (user.two_factor_enabled) {
      const data = { mfa_required: true, mfa_token: db.issueMfaToken(user.id), expires_in: 300 };
      return HttpResponse.json({ status: 'success', message: 'Enter your two-factor code.', data });
    }
    return HttpResponse.json({ status: 'success', message: 'Successfully logged in.', auth_token: db.issueToken(user.id) });
  }),

  http.post('*/auth/2fa/verify', async ({ request }) => {
    const body = (await request.json()) as Body;
    const token = text(body, 'mfa_token');
    const userId = db.mfaUser(token);
    if (userId === undefined) return fail(401, 'Invalid or expired two-factor login. Please log in again.');
    const right =
      'recovery_code' in body ? db.spendRecoveryCode(userId, text(body, 'recovery_code')) : text(body, 'code') === TOTP_CODE;
    if (!right) return fail(401, 'Invalid two-factor code.');
    db.spendMfaToken(token);
    return HttpResponse.json({ status: 'success', message: 'Successfully logged in.', auth_token: db.issueToken(userId) });
  }),

  http.post('*/auth/2fa/setup', ({ request }) => {
    const viewer = db.userForToken(request.headers.get('Authorization'));
    if (!viewer) return unauthorized();
    if (viewer.two_factor_enabled) return fail(409, 'Two-factor login is already on.');
    const secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
    const data = { secret, otpauth_uri: `otpauth://totp/Users:${encodeURIComponent(viewer.email)}?secret=${secret}&issuer=Users` };
    return HttpResponse.json({ status: 'success', message: 'Scan the code.', data });
  }),

  http.post('*/auth/2fa/confirm', async ({ request }) => {
    const viewer = db.userForToken(request.headers.get('Authorization'));
    if (!viewer) return unauthorized();
    const body = (await request.json()) as Body;
    if (text(body, 'code') !== TOTP_CODE) return fail(400, 'Invalid payload.', { code: ['Invalid code.'] });
    viewer.two_factor_enabled = true;
    db.setRecoveryCodes(viewer.id, RECOVERY_CODES);
    return HttpResponse.json({ status: 'success', message: 'Two-factor login is on.', data: { recovery_codes: RECOVERY_CODES } });
  }),

  http.delete('*/auth/2fa', async ({ request }) => {
    const viewer = db.userForToken(request.headers.get('Authorization'));
    if (!viewer) return unauthorized();
    const body = (await request.json()) as Body;
    if (!viewer.two_factor_enabled) return fail(409, 'Two-factor login is not on.');
    if (text(body, 'password') !== viewer.password) {
      return fail(400, 'Invalid payload.', { password: ['Password is incorrect.'] });
    }
    const code = text(body, 'code');
    if (code !== TOTP_CODE && !db.spendRecoveryCode(viewer.id, code)) {
      return fail(400, 'Invalid payload.', { code: ['Invalid code.'] });
    }
    viewer.two_factor_enabled = false;
    return HttpResponse.json({ status: 'success', message: 'Two-factor login is off.' });
  }),

  http.delete('*/auth/account', async ({ request }) => {
    const viewer = db.userForToken(request.headers.get('Authorization'));
    if (!viewer) return unauthorized();
    const body = (await request.json()) as Body;
    const code = text(body, 'code');
    if (viewer.two_factor_enabled && code === '') {
      return fail(400, 'Invalid payload.', { code: ['Enter a code of your authenticator app, or a recovery code.'] });
    }
    if (text(body, 'password') !== viewer.password) {
      return fail(400, 'Invalid payload.', { password: ['Password is incorrect.'] });
    }
    if (viewer.two_factor_enabled && code !== TOTP_CODE && !db.spendRecoveryCode(viewer.id, code)) {
      return fail(400, 'Invalid payload.', { code: ['Invalid code.'] });
    }
    const activeAdmins = db.users().filter((user) => user.admin && user.active);
    if (viewer.admin && viewer.active && activeAdmins.length === 1) {
      return fail(409, 'The last active admin cannot be removed or demoted.');
    }
    db.removeUser(viewer.id);
    db.refreshCookie = null;
    return HttpResponse.json({ status: 'success', message: 'Your account was deleted.' });
  }),

  http.post('*/auth/refresh', () => {
    const userId = db.refreshCookie;
    if (userId === null || !db.findUser(userId)) return fail(401, 'Invalid token. Please log in again.');
    return HttpResponse.json({ status: 'success', auth_token: db.issueToken(userId, { refresh: true }) });
  }),

  http.post('*/auth/logout', ({ request }) => {
    const header = request.headers.get('Authorization');
    if (!db.userForToken(header)) return unauthorized();
    db.revokeToken(header);
    db.refreshCookie = null;
    return HttpResponse.json({ status: 'success', message: 'Successfully logged out.' });
  }),

  http.get('*/auth/status', ({ request }) => {
    const user = db.userForToken(request.headers.get('Authorization'));
    if (!user) return unauthorized();
    return HttpResponse.json({ status: 'success', data: publicUser(user, user) });
  }),

  http.put('*/auth/password', async ({ request }) => {
    const user = db.userForToken(request.headers.get('Authorization'));
    if (!user) return unauthorized();
    const body = (await request.json()) as Body;
    if (text(body, 'current_password') !== user.password) {
      return fail(400, 'Invalid payload.', { current_password: ['Current password is incorrect.'] });
    }
    user.password = text(body, 'new_password');
    db.revokeToken(request.headers.get('Authorization'));
    return HttpResponse.json({ status: 'success', message: 'Password changed.', auth_token: db.issueToken(user.id) });
  }),

  http.get('*/auth/sessions', ({ request }) => {
    const header = request.headers.get('Authorization');
    const user = db.userForToken(header);
    if (!user) return unauthorized();
    const current = db.sessionForToken(header);
    const sessions = db.sessionsOf(user.id).map(({ id, created, last_used, user_agent, address }) => ({
      id,
      created,
      last_used,
      user_agent,
      address,
      current: id === current,
    }));
    return HttpResponse.json({ status: 'success', data: { sessions } });
  }),

  http.delete('*/auth/sessions/:id', ({ request, params }) => {
    const user = db.userForToken(request.headers.get('Authorization'));
    if (!user) return unauthorized();
    const session = db.sessionsOf(user.id).find((candidate) => candidate.id === params.id);
    if (!session) return fail(404, 'Session does not exist.');
    db.endSession(session.id);
    return HttpResponse.json({ status: 'success', message: 'Session ended.' });
  }),

  http.delete('*/auth/sessions', ({ request }) => {
    const header = request.headers.get('Authorization');
    const user = db.userForToken(header);
    if (!user) return unauthorized();
    const others = db.sessionsOf(user.id).filter((session) => session.id !== db.sessionForToken(header));
    others.forEach((session) => db.endSession(session.id));
    const noun = others.length === 1 ? 'session' : 'sessions';
    return HttpResponse.json({ status: 'success', message: `Ended ${others.length} other ${noun}.` });
  }),

  http.post('*/auth/password-reset', () =>
    HttpResponse.json({ status: 'success', message: 'If that email is registered, a reset link is on its way.' }, { status: 202 }),
  ),

  http.post('*/auth/verify-email', async ({ request }) => {
    const body = (await request.json()) as Body;
    if (text(body, 'token') !== VALID_EMAIL_TOKEN) {
      return fail(400, 'Invalid or expired verification link. Please ask for a new one.');
    }
    return HttpResponse.json({ status: 'success', message: 'Your email address is verified.' });
  }),

  http.post('*/auth/verify-email/resend', ({ request }) => {
    const viewer = db.userForToken(request.headers.get('Authorization'));
    if (!viewer) return unauthorized();
    if (viewer.email_verified) return fail(409, 'Your email address is already verified.');
    return HttpResponse.json({ status: 'success', message: 'A new verification link is on its way.' });
  }),

  http.post('*/auth/password-reset/confirm', async ({ request }) => {
    const body = (await request.json()) as Body;
    if (text(body, 'token') !== 'valid-reset-token') return fail(400, 'Invalid or expired reset token.');
    return HttpResponse.json({ status: 'success', message: 'Password reset.' });
  }),
];
