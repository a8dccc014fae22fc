import { useId, useRef, useState } from 'react';

import { useFlash } from '@/components/flash';
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

/**
 * The signed-in user's sessions (each a login on one browser), with a button to end any
 * other one, or all of them at once: their tokens stop working immediately.
 */
export function SessionsPanel() {
  const headingId = useId();
  const { flash } = useFlash();
  const sessions = useAsync(getSessions, []);
  const [ending, setEnding] = useState<string | null>(null);
  // State is only read on the next render; a double click arrives before that.
  const running = useRef(false);

  const run = async (key: string, action: () => Promise<string>) => {
    if (running.current) return;
    running.current = true;
    setEnding(key);
    try {
      flash('success', await action());
    } catch (caught) {
      flash('danger', caught instanceof Error ? caught.message : String(caught));
    } finally {
      running.current = false;
      setEnding(null);
      sessions.reload();
    }
  };

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
          <div className="table-container">
            <table className="table is-fullwidth">
              <thead>
                <tr>
                  <th scope="col">Device</th>
                  <th scope="col">Address</th>
                  <th scope="col">Signed in</th>
                  <th scope="col">Last used</th>
                  <th scope="col">
                    <span className="is-sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.map((session) => (
                  <tr key={session.id}>
                    <td className="session-device">{session.user_agent || 'Unknown device'}</td>
                    <td>{session.address ?? 'Unknown'}</td>
                    <td>{formatTime(session.created)}</td>
                    <td>{formatTime(session.last_used)}</td>
                    <td className="has-text-right">
                      {session.current ? (
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
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
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
