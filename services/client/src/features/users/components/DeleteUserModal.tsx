import { ConfirmDeleteModal } from '@/components/form/ConfirmDeleteModal';
import type { User } from '@/lib/api/types';
import { deleteUser } from '@/lib/api/users';

interface DeleteUserModalProps {
  user: User;
  onClose: () => void;
  onDeleted: (message: string) => void;
}

export function DeleteUserModal({ user, onClose, onDeleted }: DeleteUserModalProps) {
  return (
    <ConfirmDeleteModal
      title="Delete User"
      subject={
        <>
          <strong>{user.username}</strong>
          {user.email ? ` (${user.email})` : ''}
        </>
      }
      remove={() => deleteUser(user.id)}
      onClose={onClose}
      onDeleted={onDeleted}
    />
  );
}
