import { Suspense, useState, type ReactNode } from 'react';

import { useFlash, useFlashedAction } from '@/components/flash';
import { TextField } from '@/components/form';
import { FieldShell } from '@/components/form/FieldShell';
import { DataTable, type ColumnSort, type DataColumn } from '@/components/ui/DataTable';
import { ErrorNotice } from '@/components/ui/ErrorNotice';
import { Loading } from '@/components/ui/Loading';
import { Pagination } from '@/components/ui/Pagination';
import { USERS_PER_PAGE } from '@/config/constants';
import { requestPasswordReset } from '@/lib/api/auth';
import type { User, UserSearch, UserSort } from '@/lib/api/types';
import { endUserSessions, resetUserTwoFactor, searchUsers, updateUser } from '@/lib/api/users';
import { lazyImport } from '@/lib/lazy-import';
import { useSession } from '@/lib/session';
import { useAsync } from '@/lib/use-async';
import { useDebounced } from '@/lib/use-debounced';

import '@/styles/lists.scss';

const EditUserModal = lazyImport(() => import('../EditUserModal'), 'EditUserModal');

/** How long the search box waits after the last key before asking the server. */
export const SEARCH_DELAY_MS = 300;

type Column = 'id' | 'username' | 'email' | 'created_date';
type Choice = 'any' | 'true' | 'false';

const day = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeZone: 'UTC' });

function formatDay(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : day.format(date);
}

/** The columns the table can be sorted by, in the order shown. */
const COLUMNS: { key: Column; label: string; cell: (user: User) => ReactNode }[] = [
  { key: 'id', label: 'ID', cell: (user) => user.id },
  { key: 'username', label: 'Username', cell: (user) => user.username },
  { key: 'email', label: 'Email', cell: (user) => user.email ?? '' },
  { key: 'created_date', label: 'Created', cell: (user) => formatDay(user.created_date) },
];

function choiceValue(choice: Choice): boolean | undefined {
  return choice === 'any' ? undefined : choice === 'true';
}

interface FilterProps {
  label: string;
  value: Choice;
  options: [string, string];
  onChange: (value: Choice) => void;
}

function Filter({ label, value, options, onChange }: FilterProps) {
  return (
    <FieldShell label={label} kind="select">
      {({ className, ...control }) => (
        <div className={className}>
          <select {...control} value={value} onChange={(event) => onChange(event.target.value as Choice)}>
            <option value="any">Any</option>
            <option value="true">{options[0]}</option>
            <option value="false">{options[1]}</option>
          </select>
        </div>
      )}
    </FieldShell>
  );
}

/** The admin's users table: server-side search, sort and filters, and an account's actions. */
export function UsersConsole() {
  const { flash } = useFlash();
  const session = useSession();
  const [text, setText] = useState('');
  const q = useDebounced(text.trim(), SEARCH_DELAY_MS);
  const [sort, setSort] = useState<UserSort>('id');
  const [active, setActive] = useState<Choice>('any');
  const [admin, setAdmin] = useState<Choice>('any');
  const [verified, setVerified] = useState<Choice>('any');
  const [page, setPage] = useState(1);
  const [editing, setEditing] = useState<User | null>(null);

  // The default order is left out: an unfiltered list then takes the service's plain, cached path.
  const search: UserSearch = sort === 'id' ? {} : { sort };
  if (q) search.q = q;
  const activeValue = choiceValue(active);
  const adminValue = choiceValue(admin);
  const verifiedValue = choiceValue(verified);
  if (activeValue !== undefined) search.active = activeValue;
  if (adminValue !== undefined) search.admin = adminValue;
  if (verifiedValue !== undefined) search.verified = verifiedValue;
  const users = useAsync(() => searchUsers(search, page, USERS_PER_PAGE), [q, sort, active, admin, verified, page]);
  const { busy, run: runFor } = useFlashedAction<number>(users.reload);

  // A new search starts on its first page.
  const changeSearch = <T,>(set: (value: T) => void) => (value: T) => {
    set(value);
    setPage(1);
  };
  const [lastQ, setLastQ] = useState(q);
  if (q !== lastQ) {
    setLastQ(q);
    setPage(1);
  }

  const sortBy = (column: Column) => {
    setSort(sort === column ? (`-${column}` as UserSort) : (column as UserSort));
    setPage(1);
  };

  const run = (user: User, action: () => Promise<string>) => runFor(user.id, action);

  const toggleActive = (user: User) =>
    run(user, async () => {
      const { user: saved } = await updateUser(user.id, { active: !user.active });
      return `${saved.username} was ${saved.active ? 'activated' : 'deactivated'}.`;
    });
  const sendReset = (user: User) =>
    run(user, async () => {
      await requestPasswordReset(user.email ?? '');
      return `A password reset was sent to ${user.email ?? user.username}.`;
    });

  const data = users.data;
  const pages = data ? Math.max(1, Math.ceil(data.total / data.per_page)) : 1;

  const direction = (key: Column): ColumnSort['direction'] => (sort === key ? 'ascending' : sort === `-${key}` ? 'descending' : undefined);
  const columns: DataColumn<User>[] = [
    ...COLUMNS.map(({ key, label, cell }) => ({ header: label, cell, sort: { direction: direction(key), onSort: () => sortBy(key) } })),
    { header: 'Active', cell: (user) => (user.active ? 'yes' : 'no') },
    { header: 'Admin', cell: (user) => (user.admin ? 'yes' : 'no') },
    { header: 'Verified', cell: (user) => (user.email_verified ? 'yes' : 'no') },
    { header: '2FA', cell: (user) => (user.two_factor_enabled ? 'on' : 'off') },
  ];

  const actions = (user: User): ReactNode => (
    <div className="buttons is-right">
      <button type="button" className="button is-small is-info is-light" aria-label={`Edit ${user.username}`} onClick={() => setEditing(user)}>
        Edit
      </button>
      <button
        type="button"
        className="button is-small is-warning is-light"
        aria-label={`${user.active ? 'Deactivate' : 'Activate'} ${user.username}`}
        disabled={busy === user.id}
        onClick={() => void toggleActive(user)}
      >
        {user.active ? 'Deactivate' : 'Activate'}
      </button>
      <button
        type="button"
        className="button is-small is-light"
        aria-label={`Send password reset to ${user.username}`}
        disabled={busy === user.id || !user.email}
        onClick={() => void sendReset(user)}
      >
        Send password reset
      </button>
      {user.two_factor_enabled && (
        <button
          type="button"
          className="button is-small is-light"
          aria-label={`Reset 2FA of ${user.username}`}
          disabled={busy === user.id}
          onClick={() => void run(user, () => resetUserTwoFactor(user.id))}
        >
          Reset 2FA
        </button>
      )}
      <button
        type="button"
        className="button is-small is-danger is-light"
        aria-label={`End sessions of ${user.username}`}
        disabled={busy === user.id}
        onClick={() => void run(user, () => endUserSessions(user.id))}
      >
        End sessions
      </button>
    </div>
  );

  return (
    <section aria-label="Users">
      <div className="columns">
        <div className="column is-half">
          <TextField
            label="Search users"
            name="q"
            type="search"
            placeholder="Username or email"
            maxLength={128}
            value={text}
            onChange={(event) => setText(event.target.value)}
          />
        </div>
        <div className="column">
          <Filter label="Active" value={active} options={['Active', 'Inactive']} onChange={changeSearch(setActive)} />
        </div>
        <div className="column">
          <Filter label="Admin" value={admin} options={['Admins', 'Non-admins']} onChange={changeSearch(setAdmin)} />
        </div>
        <div className="column">
          <Filter
            label="Email"
            value={verified}
            options={['Verified', 'Unverified']}
            onChange={changeSearch(setVerified)}
          />
        </div>
      </div>
      {users.status === 'error' && <ErrorNotice error={users.error} onRetry={users.reload} />}
      {!data && users.status === 'loading' && <Loading label="Loading users…" />}
      {data && (
        <div aria-busy={users.status === 'loading'}>
          <p className="mb-2" aria-live="polite">
            {data.total === 1 ? '1 user' : `${data.total} users`}
          </p>
          <DataTable rows={data.users} columns={columns} emptyText="No users match." actions={actions} />
          <Pagination page={data.page} pages={pages} onChange={setPage} />
        </div>
      )}
      <Suspense>
        {editing && (
          <EditUserModal
            user={editing}
            onClose={() => setEditing(null)}
            onSaved={(saved) => {
              setEditing(null);
              flash('success', `${saved.username} was updated.`);
              if (saved.id === session.user?.id) session.setCurrentUser({ ...session.user, ...saved });
              users.reload();
            }}
          />
        )}
      </Suspense>
    </section>
  );
}
