/** The /auth endpoints, one function each (refreshing and logging out are the API client's own). */
import { api, tokenStore } from '@/lib/api-client';

import type { Login, PasswordChange, Registration, Session, User } from './types';

/** Returns the new access token; the answer also sets the refresh cookie. */
export async function logIn({ email, password }: Login): Promise<string> {
  const { auth_token } = await api.post('/auth/login', { body: { email, password }, auth: false });
  return auth_token;
}

/** Returns the new account's access token; the answer also sets the refresh cookie. */
export async function register({ username, email, password }: Registration): Promise<string> {
  const { auth_token } = await api.post('/auth/register', { body: { username, email, password }, auth: false });
  return auth_token;
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
