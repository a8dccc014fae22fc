import { Suspense, useRef, useState, type ReactNode } from 'react';

import { useFlash } from '@/components/flash';
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

const COLUMNS: { key: Column; label: string }[] = [
  { key: 'id', label: 'ID' },
  { key: 'username', label: 'Username' },
  { key: 'email', label: 'Email' },
  { key: 'created_date', label: 'Created' },
];

const day = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeZone: 'UTC' });

function formatDay(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : day.format(date);
}

function choiceValue(choice: Choice): boolean | undefined {
  return choice === 'any' ? undefined : choice === 'true';
}

interface FilterProps {
  id: string;
  label: string;
  value: Choice;
  options: [string, string];
  onChange: (value: Choice) => void;
}

function Filter({ id, label, value, options, onChange }: FilterProps) {
  return (
    <div className="field">
      <label className="label" htmlFor={id}>
        {label}
      </label>
      <div className="control">
        <div className="select">
          <select id={id} value={value} onChange={(event) => onChange(event.target.value as Choice)}>
            <option value="any">Any</option>
            <option value="true">{options[0]}</option>
            <option value="false">{options[1]}</option>
          </select>
        </div>
      </div>
    </div>
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
  const [busy, setBusy] = useState<number | null>(null);
  // State is only read on the next render; a double click arrives before that.
  const running = useRef(false);

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

  const run = async (user: User, action: () => Promise<string>) => {
    if (running.current) return;
    running.current = true;
    setBusy(user.id);
    try {
      flash('success', await action());
    } catch (caught) {
      flash('danger', caught instanceof Error ? caught.message : String(caught));
    } finally {
      running.current = false;
      setBusy(null);
      users.reload();
    }
  };

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

  const header = (key: Column, label: string): ReactNode => {
    const direction = sort === key ? 'ascending' : sort === `-${key}` ? 'descending' : undefined;
    return (
      <th key={key} scope="col" aria-sort={direction ?? 'none'}>
        <button type="button" className="button is-white is-small" onClick={() => sortBy(key)}>
          {label}
          <span aria-hidden="true">{direction === 'ascending' ? ' ▲' : direction === 'descending' ? ' ▼' : ''}</span>
        </button>
      </th>
    );
  };

  return (
    <section aria-label="Users">
      <div className="columns">
        <div className="column is-half">
          <div className="field">
            <label className="label" htmlFor="admin-user-search">
              Search users
            </label>
            <div className="control">
              <input
                id="admin-user-search"
                className="input"
                type="search"
                placeholder="Username or email"
                maxLength={128}
                value={text}
                onChange={(event) => setText(event.target.value)}
              />
            </div>
          </div>
        </div>
        <div className="column">
          <Filter id="admin-filter-active" label="Active" value={active} options={['Active', 'Inactive']} onChange={changeSearch(setActive)} />
        </div>
        <div className="column">
          <Filter id="admin-filter-admin" label="Admin" value={admin} options={['Admins', 'Non-admins']} onChange={changeSearch(setAdmin)} />
        </div>
        <div className="column">
          <Filter
            id="admin-filter-verified"
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
          <div className="table-container">
            <table className="table is-hoverable is-fullwidth">
              <thead>
                <tr>
                  {COLUMNS.map(({ key, label }) => header(key, label))}
                  <th scope="col">Active</th>
                  <th scope="col">Admin</th>
                  <th scope="col">Verified</th>
                  <th scope="col">2FA</th>
                  <th scope="col">
                    <span className="is-sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {data.users.length === 0 && (
                  <tr>
                    <td colSpan={9}>No users match.</td>
                  </tr>
                )}
                {data.users.map((user) => (
                  <tr key={user.id}>
                    <td>{user.id}</td>
                    <td>{user.username}</td>
                    <td>{user.email ?? ''}</td>
                    <td>{formatDay(user.created_date)}</td>
                    <td>{user.active ? 'yes' : 'no'}</td>
                    <td>{user.admin ? 'yes' : 'no'}</td>
                    <td>{user.email_verified ? 'yes' : 'no'}</td>
                    <td>{user.two_factor_enabled ? 'on' : 'off'}</td>
                    <td>
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
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
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
