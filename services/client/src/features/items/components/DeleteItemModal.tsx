import { useSubmit } from '@/components/form';
import { ErrorNotice } from '@/components/ui/ErrorNotice';
import { Modal } from '@/components/ui/Modal';
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
  const { submitting: deleting, error, submit: confirm } = useSubmit(() => whenFound(() => deleteItem(item.id), onGone), {
    onSuccess: (message) => message !== null && onDeleted(message),
  });

  return (
    <Modal
      title="Delete Item"
      onClose={onClose}
      footer={
        <div className="buttons">
          <button
            type="button"
            className={`button is-danger${deleting ? ' is-loading' : ''}`}
            disabled={deleting}
            onClick={() => void confirm()}
          >
            Delete
          </button>
          <button type="button" className="button" onClick={onClose} data-autofocus>
            Cancel
          </button>
        </div>
      }
    >
      {error && <ErrorNotice error={error} />}
      <p>
        Delete <strong>{item.title}</strong>? This cannot be undone.
      </p>
    </Modal>
  );
}
