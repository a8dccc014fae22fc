/** The /auth endpoints, one function each (refreshing and logging out are the API client's own). */
import { api, tokenStore } from '@/lib/api-client';

import type {
  AccountDelete,
  AuditPage,
  Login,
  PasswordChange,
  Registration,
  SecondFactor,
  Session,
  TwoFactorDisable,
  TwoFactorSetup,
  User,
} from './types';

/** What a right password gives: the access token, or (two-factor login on) the challenge for a code. */
export type LoginResult = { token: string } | { mfaToken: string };

/** The answer with a token also sets the refresh cookie; a challenge sets nothing. */
export async function logIn({ email, password }: Login): Promise<LoginResult> {
  const { auth_token, data } = await api.post('/auth/login', { body: { email, password }, auth: false });
  if (data?.mfa_required) return { mfaToken: data.mfa_token };
  if (!auth_token) throw new Error('The server answered the login without a token.');
  return { token: auth_token };
}

/** The second step of a login: returns the new access token; the answer also sets the refresh cookie. */
export async function verifySecondFactor(mfaToken: string, factor: SecondFactor): Promise<string> {
  const { auth_token } = await api.post('/auth/2fa/verify', { body: { mfa_token: mfaToken, ...factor }, auth: false });
  return auth_token;
}

/** A new pending secret and its otpauth URI; it takes effect once confirmed with a code. */
export async function startTwoFactorSetup(): Promise<TwoFactorSetup> {
  const { data } = await api.post('/auth/2fa/setup', {});
  return data;
}

/** Turns two-factor login on; returns the recovery codes, which are shown this once. */
export async function confirmTwoFactor(code: string): Promise<string[]> {
  const { data } = await api.post('/auth/2fa/confirm', { body: { code } });
  return data.recovery_codes;
}

export async function disableTwoFactor(body: TwoFactorDisable): Promise<string> {
  const { message } = await api.delete('/auth/2fa', { body });
  return message;
}

/**
 * Deletes the signed-in user's own account; the server ends every session and clears the
 * refresh cookie, so the access token is dropped here too.
 */
export async function deleteAccount(body: AccountDelete): Promise<string> {
  const { message } = await api.delete('/auth/account', { body });
  tokenStore.set(null);
  return message;
}

/**
 * The new account's access token (the answer also sets the refresh cookie), or, where a
 * login needs a verified email, no token and the message that says to open the mailed link.
 */
export async function register({ username, email, password }: Registration): Promise<{ token?: string; message: string }> {
  const { auth_token, message } = await api.post('/auth/register', { body: { username, email, password }, auth: false });
  return auth_token ? { token: auth_token, message } : { message };
}

/** Confirms a mailed link (a new account's address, or a change of address); returns the server's message. */
export async function verifyEmail(token: string): Promise<string> {
  const { message } = await api.post('/auth/verify-email', { body: { token }, auth: false });
  return message;
}

/** Mails the signed-in user's address a new verification link. */
export async function resendVerification(): Promise<string> {
  const { message } = await api.post('/auth/verify-email/resend', {});
  return message;
}

/** The signed-in user, with their email and admin flag. */
export async function getCurrentUser(): Promise<User> {
  const { data } = await api.get('/auth/status');
  return data;
}

/** Other sessions end; this one carries on with the fresh token in the answer. */
export async function changePassword(body: PasswordChange): Promise<string> {
  const { message, auth_token } = await api.put('/auth/password', { body });
  tokenStore.set(auth_token);
  return message;
}

export async function requestPasswordReset(email: string): Promise<void> {
  await api.post('/auth/password-reset', { body: { email }, auth: false });
}

export async function confirmPasswordReset(body: { token: string; password: string }): Promise<void> {
  await api.post('/auth/password-reset/confirm', { body, auth: false });
}

/** The signed-in user's active sessions, most recently used first; `current` is this one. */
export async function getSessions(): Promise<Session[]> {
  const { data } = await api.get('/auth/sessions');
  return data.sessions;
}

/** Ends one session: its tokens stop working at once. */
export async function endSession(id: string): Promise<string> {
  const response = await api.delete('/auth/sessions/{session_id}', { params: { session_id: id } });
  return response?.message ?? 'Session ended.';
}

/** Ends every session but this one. */
export async function endOtherSessions(): Promise<string> {
  const response = await api.delete('/auth/sessions');
  return response?.message ?? 'Other sessions ended.';
}

export interface AuditFilter {
  userId?: number | undefined;
  event?: string | undefined;
}

/** One page of the audit log (admin), newest first. */
export async function getAuditEvents(filter: AuditFilter, page: number, perPage: number): Promise<AuditPage> {
  const query: { page: number; per_page: number; user_id?: number; event?: string } = { page, per_page: perPage };
  if (filter.userId !== undefined) query.user_id = filter.userId;
  if (filter.event) query.event = filter.event;
  const { data } = await api.get('/auth/audit', { query });
  return data;
}
