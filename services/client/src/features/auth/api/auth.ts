import { api, tokenStore } from '@/lib/api-client';
import type { PasswordChange, User, UserUpdate } from '@/lib/api/types';

export async function getStatus(): Promise<User> {
  const { data } = await api.get('/auth/status');
  return data;
}

export async function updateProfile(id: number, changes: Pick<UserUpdate, 'username' | 'email'>): Promise<User> {
  const { data } = await api.patch('/users/{user_id}', { params: { user_id: id }, body: changes });
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
