/** The /users endpoints, one function each. */
import { api } from '@/lib/api-client';

import type { User, UserCreate, UserSearch, UsersPage, UserUpdate } from './types';

export async function getUsers(page: number, perPage: number): Promise<UsersPage> {
  const { data } = await api.get('/users', { query: { page, per_page: perPage } });
  return data;
}

/** One page of a server-side search (admins: `q` also matches emails; `sort` and the filters are theirs only). */
export async function searchUsers(search: UserSearch, page: number, perPage: number): Promise<UsersPage> {
  const query: UserSearch & { page: number; per_page: number } = { page, per_page: perPage };
  // Only what is set is sent: an empty `q` is refused by the service.
  if (search.q) query.q = search.q;
  if (search.sort) query.sort = search.sort;
  if (search.active !== undefined) query.active = search.active;
  if (search.admin !== undefined) query.admin = search.admin;
  if (search.verified !== undefined) query.verified = search.verified;
  const { data } = await api.get('/users', { query });
  return data;
}

export async function createUser(user: UserCreate): Promise<{ user: User; message: string }> {
  const { data, message } = await api.post('/users', { body: user });
  return { user: data, message: message ?? `${user.email} was added!` };
}

/**
 * Admins change any field of anyone; a user changes their own username and email only. The
 * message says when one's own new email waits for the link mailed to it.
 */
export async function updateUser(id: number, changes: UserUpdate): Promise<{ user: User; message: string }> {
  const { data, message } = await api.patch('/users/{user_id}', { params: { user_id: id }, body: changes });
  return { user: data, message: message ?? 'Your details have been saved.' };
}

export async function deleteUser(id: number): Promise<string> {
  const response = await api.delete('/users/{user_id}', { params: { user_id: id } });
  return response?.message ?? 'The user was deleted.';
}

/** Ends every session of the user (admin): their tokens stop working at once. */
export async function endUserSessions(id: number): Promise<string> {
  const response = await api.delete('/users/{user_id}/sessions', { params: { user_id: id } });
  return response?.message ?? 'Sessions ended.';
}

/** Turns the user's two-factor login off (admin), for a user who lost their authenticator and codes. */
export async function resetUserTwoFactor(id: number): Promise<string> {
  const response = await api.delete('/users/{user_id}/2fa', { params: { user_id: id } });
  return response?.message ?? 'Two-factor login was reset.';
}
