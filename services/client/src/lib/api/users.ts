/** The /users endpoints, one function each. */
import { api } from '@/lib/api-client';

import type { User, UserCreate, UsersPage, UserUpdate } from './types';

export async function getUsers(page: number, perPage: number): Promise<UsersPage> {
  const { data } = await api.get('/users', { query: { page, per_page: perPage } });
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
