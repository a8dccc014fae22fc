import { useState } from 'react';
import { Navigate } from 'react-router';

import { LoginRequired } from '@/components/layout/LoginRequired';
import { PageTitle } from '@/components/layout/PageTitle';
import { Loading } from '@/components/ui/Loading';
import { paths } from '@/config/paths';
import { useSession } from '@/lib/session';

import { AuditLog } from './AuditLog';
import { UsersConsole } from './UsersConsole';

type Tab = 'users' | 'audit';
const TABS: { id: Tab; label: string }[] = [
  { id: 'users', label: 'Users' },
  { id: 'audit', label: 'Audit log' },
];

/** The admin console: the users table with search and actions, and the audit log. */
export function AdminPage() {
  const session = useSession();
  const [tab, setTab] = useState<Tab>('users');

  if (session.status === 'loading') return <Loading label="Loading…" />;
  if (!session.isAuthenticated) return <LoginRequired />;
  // Not an admin: the same as before the console existed, back to the home page.
  if (!session.isAdmin) return <Navigate to={paths.home} replace />;

  return (
    <div>
      <PageTitle title="Admin" />
      <h1 className="title is-1">Admin</h1>
      <div className="tabs">
        <ul role="tablist" aria-label="Admin sections">
          {TABS.map(({ id, label }) => (
            <li key={id} role="presentation" className={tab === id ? 'is-active' : undefined}>
              <a
                role="tab"
                id={`admin-tab-${id}`}
                href={`#admin-${id}`}
                aria-selected={tab === id}
                aria-controls={`admin-${id}`}
                onClick={(event) => {
                  event.preventDefault();
                  setTab(id);
                }}
              >
                {label}
              </a>
            </li>
          ))}
        </ul>
      </div>
      <div role="tabpanel" id={`admin-${tab}`} aria-labelledby={`admin-tab-${tab}`}>
        {tab === 'users' ? <UsersConsole /> : <AuditLog />}
      </div>
    </div>
  );
}
