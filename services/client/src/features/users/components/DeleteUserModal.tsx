import { useState } from 'react';

import { ErrorNotice } from '@/components/ui/ErrorNotice';
import { Modal } from '@/components/ui/Modal';
import type { User } from '@/lib/api/types';

import { deleteUser } from '../api/users';

interface DeleteUserModalProps {
  user: User;
  onClose: () => void;
  onDeleted: (message: string) => void;
}

export function DeleteUserModal({ user, onClose, onDeleted }: DeleteUserModalProps) {
  const [error, setError] = useState<Error | null>(null);
  const [deleting, setDeleting] = useState(false);

  const onConfirm = async () => {
    setDeleting(true);
    setError(null);
    try {
      onDeleted(await deleteUser(user.id));
    } catch (caught) {
      setError(caught instanceof Error ? caught : new Error(String(caught)));
      setDeleting(false);
    }
  };

  return (
    <Modal
      title="Delete User"
      onClose={onClose}
      footer={
        <div className="buttons">
          <button
            type="button"
            className={`button is-danger${deleting ? ' is-loading' : ''}`}
            disabled={deleting}
            onClick={onConfirm}
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
        Delete <strong>{user.username}</strong>
        {user.email ? ` (${user.email})` : ''}? This cannot be undone.
      </p>
    </Modal>
  );
}
