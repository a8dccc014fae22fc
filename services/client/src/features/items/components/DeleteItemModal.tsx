import { ConfirmDeleteModal } from '@/components/form/ConfirmDeleteModal';
import { deleteItem } from '@/lib/api/items';
import type { Item } from '@/lib/api/types';

import { whenFound } from './when-found';

interface DeleteItemModalProps {
  item: Item;
  onClose: () => void;
  onDeleted: (message: string) => void;
  /** The item no longer exists: the service's message. */
  onGone: (message: string) => void;
}

export function DeleteItemModal({ item, onClose, onDeleted, onGone }: DeleteItemModalProps) {
  return (
    <ConfirmDeleteModal
      title="Delete Item"
      subject={<strong>{item.title}</strong>}
      remove={() => whenFound(() => deleteItem(item.id), onGone)}
      onClose={onClose}
      onDeleted={onDeleted}
    />
  );
}
