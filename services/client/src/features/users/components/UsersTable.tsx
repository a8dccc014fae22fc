import type { User } from '@/lib/api/types';

interface UsersTableProps {
  users: User[];
  onEdit?: ((user: User) => void) | undefined;
  onDelete?: ((user: User) => void) | undefined;
}

interface ActionButtonProps {
  action: string;
  color: 'is-info' | 'is-danger';
  user: User;
  onClick: (user: User) => void;
}

/** A row's button; its accessible name says whom it acts on. */
function ActionButton({ action, color, user, onClick }: ActionButtonProps) {
  return (
    <button
      type="button"
      className={`button is-small ${color} is-light`}
      aria-label={`${action} ${user.username}`}
      onClick={() => onClick(user)}
    >
      {action}
    </button>
  );
}

export function UsersTable({ users, onEdit, onDelete }: UsersTableProps) {
  const showEmail = users.some((user) => user.email !== undefined);
  const showAdmin = users.some((user) => user.admin !== undefined);
  const showActions = Boolean(onEdit || onDelete);

  return (
    <div className="table-container">
      <table className="table is-hoverable is-fullwidth">
        <thead>
          <tr>
            <th scope="col">ID</th>
            {showEmail && <th scope="col">Email</th>}
            <th scope="col">Username</th>
            <th scope="col">Active</th>
            {showAdmin && <th scope="col">Admin</th>}
            {showActions && (
              <th scope="col">
                <span className="is-sr-only">Actions</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {users.length === 0 && (
            <tr>
              <td colSpan={6}>No users yet.</td>
            </tr>
          )}
          {users.map((user) => (
            <tr key={user.id}>
              <td>{user.id}</td>
              {showEmail && <td>{user.email ?? ''}</td>}
              <td>{user.username}</td>
              <td>{String(user.active)}</td>
              {showAdmin && <td>{user.admin === undefined ? '' : String(user.admin)}</td>}
              {showActions && (
                <td className="has-text-right">
                  <div className="buttons is-right">
                    {onEdit && <ActionButton action="Edit" color="is-info" user={user} onClick={onEdit} />}
                    {onDelete && <ActionButton action="Delete" color="is-danger" user={user} onClick={onDelete} />}
                  </div>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
