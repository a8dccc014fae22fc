import { useSubmit } from '@/components/form';
import { ErrorNotice } from '@/components/ui/ErrorNotice';
import { Modal } from '@/components/ui/Modal';
import type { User } from '@/lib/api/types';
import { deleteUser } from '@/lib/api/users';

interface DeleteUserModalProps {
  user: User;
  onClose: () => void;
  onDeleted: (message: string) => void;
}

export function DeleteUserModal({ user, onClose, onDeleted }: DeleteUserModalProps) {
  const { submitting: deleting, error, submit: confirm } = useSubmit(() => deleteUser(user.id), { onSuccess: onDeleted });

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
        Delete <strong>{user.username}</strong>
        {user.email ? ` (${user.email})` : ''}? This cannot be undone.
      </p>
    </Modal>
  );
}
