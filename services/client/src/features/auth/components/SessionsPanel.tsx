import { useId } from 'react';

import { useFlashedAction } from '@/components/flash';
import { DataTable, type DataColumn } from '@/components/ui/DataTable';
import { ErrorNotice } from '@/components/ui/ErrorNotice';
import { Loading } from '@/components/ui/Loading';
import { endOtherSessions, endSession, getSessions } from '@/lib/api/auth';
import type { Session } from '@/lib/api/types';
import { useAsync } from '@/lib/use-async';

import '@/styles/lists.scss';

const when = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });

/** A session's time as people read it, in UTC as the server keeps it. */
function formatTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : `${when.format(date)} UTC`;
}

/** What the user recognises a session by: its browser, else its address. */
function describe(session: Session): string {
  return session.user_agent || session.address || 'an unknown device';
}

const COLUMNS: DataColumn<Session>[] = [
  { header: 'Device', cell: (session) => session.user_agent || 'Unknown device', className: 'session-device' },
  { header: 'Address', cell: (session) => session.address ?? 'Unknown' },
  { header: 'Signed in', cell: (session) => formatTime(session.created) },
  { header: 'Last used', cell: (session) => formatTime(session.last_used) },
];

/**
 * The signed-in user's sessions (each a login on one browser), with a button to end any
 * other one, or all of them at once: their tokens stop working immediately.
 */
export function SessionsPanel() {
  const headingId = useId();
  const sessions = useAsync(getSessions, []);
  const { busy: ending, run } = useFlashedAction<string>(sessions.reload);

  const list = sessions.data ?? [];
  const others = list.filter((session) => !session.current);

  return (
    <section className="box" aria-labelledby={headingId}>
      <h2 id={headingId} className="title is-4">
        Sessions
      </h2>
      <p className="mb-4">
        Where your account is signed in. Ending a session signs that browser out at once.
      </p>
      {sessions.status === 'loading' && !sessions.data && <Loading label="Loading sessions…" />}
      {sessions.status === 'error' && <ErrorNotice error={sessions.error} onRetry={sessions.reload} />}
      {sessions.data && (
        <>
          <DataTable
            rows={list}
            columns={COLUMNS}
            hoverable={false}
            actions={(session) =>
              session.current ? (
                <span className="tag is-info is-light">This session</span>
              ) : (
                <button
                  type="button"
                  className={`button is-small is-danger is-light${ending === session.id ? ' is-loading' : ''}`}
                  aria-label={`End the session on ${describe(session)}`}
                  disabled={ending !== null}
                  onClick={() => void run(session.id, () => endSession(session.id))}
                >
                  End
                </button>
              )
            }
          />
          <button
            type="button"
            className={`button is-danger${ending === 'others' ? ' is-loading' : ''}`}
            disabled={others.length === 0 || ending !== null}
            onClick={() => void run('others', endOtherSessions)}
          >
            End all other sessions
          </button>
        </>
      )}
    </section>
  );
}
