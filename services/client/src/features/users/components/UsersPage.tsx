import { Suspense, useState } from 'react';
import { useSearchParams } from 'react-router';

import { useFlash } from '@/components/flash';
import { PageTitle } from '@/components/layout/PageTitle';
import { ErrorNotice } from '@/components/ui/ErrorNotice';
import { Loading } from '@/components/ui/Loading';
import { Pagination } from '@/components/ui/Pagination';
import { USERS_PER_PAGE } from '@/config/constants';
import type { User } from '@/lib/api/types';
import { getUsers } from '@/lib/api/users';
import { lazyImport } from '@/lib/lazy-import';
import { useSession } from '@/lib/session';
import { useAsync } from '@/lib/use-async';

import '@/styles/lists.scss';

import { UsersTable } from './UsersTable';

// Only admins open these: everyone else never downloads them.
const AddUserModal = lazyImport(() => import('./AddUserModal'), 'AddUserModal');
const EditUserModal = lazyImport(() => import('./EditUserModal'), 'EditUserModal');
const DeleteUserModal = lazyImport(() => import('./DeleteUserModal'), 'DeleteUserModal');

type Dialog = { kind: 'add' } | { kind: 'edit'; user: User } | { kind: 'delete'; user: User } | null;

function pageFrom(params: URLSearchParams): number {
  const page = Number(params.get('page'));
  return Number.isInteger(page) && page > 0 ? page : 1;
}

/** The "All Users" page; admins also add, edit and delete users from it. */
export function UsersPage() {
  const [params, setParams] = useSearchParams();
  const page = pageFrom(params);
  const session = useSession();
  const { flash } = useFlash();
  const [dialog, setDialog] = useState<Dialog>(null);
  const viewerId = session.user?.id;
  // Wait for the session: admins and the user themself see more columns.
  const users = useAsync(() => getUsers(page, USERS_PER_PAGE), [page, viewerId], {
    enabled: session.status !== 'loading',
  });

  const goTo = (next: number) => setParams(next === 1 ? {} : { page: String(next) });
  const close = () => setDialog(null);
  const afterChange = (message: string) => {
    setDialog(null);
    flash('success', message);
    users.reload();
  };
  const onSaved = (saved: User, pending: string | null) => {
    afterChange(pending ?? `${saved.username} was updated.`);
    if (saved.id === viewerId) session.setCurrentUser({ ...session.user, ...saved });
  };

  const isAdmin = session.isAdmin;
  const data = users.data;
  const pages = data ? Math.max(1, Math.ceil(data.total / data.per_page)) : 1;

  return (
    <div>
      <PageTitle title="All Users" />
      <div className="level is-mobile">
        <div className="level-left">
          <h1 className="title is-1">All Users</h1>
        </div>
        {isAdmin && (
          <div className="level-right">
            <button type="button" className="button is-primary" onClick={() => setDialog({ kind: 'add' })}>
              Add User
            </button>
          </div>
        )}
      </div>
      <hr />
      {users.status === 'error' && <ErrorNotice error={users.error} onRetry={users.reload} />}
      {!data && users.status === 'loading' && <Loading label="Loading users…" />}
      {data && (
        <div aria-busy={users.status === 'loading'}>
          <UsersTable
            users={data.users}
            onEdit={isAdmin ? (user) => setDialog({ kind: 'edit', user }) : undefined}
            onDelete={isAdmin ? (user) => setDialog({ kind: 'delete', user }) : undefined}
          />
          <Pagination page={data.page} pages={pages} onChange={goTo} />
        </div>
      )}
      <Suspense>
        {dialog?.kind === 'add' && <AddUserModal onClose={close} onAdded={afterChange} />}
        {dialog?.kind === 'edit' && <EditUserModal user={dialog.user} onClose={close} onSaved={onSaved} />}
        {dialog?.kind === 'delete' && <DeleteUserModal user={dialog.user} onClose={close} onDeleted={afterChange} />}
      </Suspense>
    </div>
  );
}
