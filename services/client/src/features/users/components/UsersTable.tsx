import { DataTable, type DataColumn } from '@/components/ui/DataTable';
import type { User } from '@/lib/api/types';

interface UsersTableProps {
  users: User[];
  onEdit?: ((user: User) => void) | undefined;
  onDelete?: ((user: User) => void) | undefined;
}

const ID: DataColumn<User> = { header: 'ID', cell: (user) => user.id };
const EMAIL: DataColumn<User> = { header: 'Email', cell: (user) => user.email ?? '' };
const USERNAME: DataColumn<User> = { header: 'Username', cell: (user) => user.username };
const ACTIVE: DataColumn<User> = { header: 'Active', cell: (user) => String(user.active) };
const ADMIN: DataColumn<User> = {
  header: 'Admin',
  cell: (user) => (user.admin === undefined ? '' : String(user.admin)),
};

export function UsersTable({ users, onEdit, onDelete }: UsersTableProps) {
  // Email and admin are shown only where the service sent them.
  const showEmail = users.some((user) => user.email !== undefined);
  const showAdmin = users.some((user) => user.admin !== undefined);
  const columns = [ID, ...(showEmail ? [EMAIL] : []), USERNAME, ACTIVE, ...(showAdmin ? [ADMIN] : [])];

  return (
    <DataTable
      rows={users}
      columns={columns}
      emptyText="No users yet."
      rowName={(user) => user.username}
      onEdit={onEdit}
      onDelete={onDelete}
    />
  );
}
