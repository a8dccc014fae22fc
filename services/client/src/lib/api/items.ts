/** The /items endpoints (the items service), one function each. */
import { api } from '@/lib/api-client';

import type { Item, ItemCreate, ItemsPage, ItemUpdate } from './types';

/** The caller's own items; an admin may ask for another owner's with `ownerId`. */
export async function getItems(page: number, perPage: number, ownerId?: number): Promise<ItemsPage> {
  const { data } = await api.get('/items', { query: { page, per_page: perPage, owner_id: ownerId } });
  return data;
}

export async function createItem(item: ItemCreate): Promise<{ item: Item; message: string }> {
  const { data, message } = await api.post('/items', { body: item });
  return { item: data, message: message ?? 'Item was added!' };
}

export async function updateItem(id: number, changes: ItemUpdate): Promise<{ item: Item; message: string }> {
  const { data, message } = await api.patch('/items/{item_id}', { params: { item_id: id }, body: changes });
  return { item: data, message: message ?? 'Item was updated.' };
}

export async function deleteItem(id: number): Promise<string> {
  const response = await api.delete('/items/{item_id}', { params: { item_id: id } });
  return response?.message ?? 'Item was deleted.';
}
