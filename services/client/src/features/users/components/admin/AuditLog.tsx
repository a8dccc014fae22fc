import { useState, type FormEvent } from 'react';

import { ErrorNotice } from '@/components/ui/ErrorNotice';
import { Loading } from '@/components/ui/Loading';
import { Pagination } from '@/components/ui/Pagination';
import { getAuditEvents, type AuditFilter } from '@/lib/api/auth';
import { useAsync } from '@/lib/use-async';

import '@/styles/lists.scss';

export const AUDIT_PER_PAGE = 20;

const when = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'medium', timeZone: 'UTC' });

function formatTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : `${when.format(date)} UTC`;
}

function formatDetails(details: Record<string, unknown>): string {
  return Object.entries(details)
    .map(([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(', ');
}

/** The audit log, newest first, filtered by account and by event name. */
export function AuditLog() {
  const [userId, setUserId] = useState('');
  const [eventName, setEventName] = useState('');
  const [filter, setFilter] = useState<AuditFilter>({});
  const [page, setPage] = useState(1);
  const events = useAsync(() => getAuditEvents(filter, page, AUDIT_PER_PAGE), [filter, page]);

  const apply = (event: FormEvent) => {
    event.preventDefault();
    const id = Number(userId);
    setFilter({
      userId: userId.trim() !== '' && Number.isInteger(id) && id > 0 ? id : undefined,
      event: eventName.trim() || undefined,
    });
    setPage(1);
  };

  const data = events.data;
  const pages = data ? Math.max(1, Math.ceil(data.total / data.per_page)) : 1;

  return (
    <section aria-label="Audit log">
      <form className="columns is-align-items-flex-end" onSubmit={apply}>
        <div className="column">
          <div className="field">
            <label className="label" htmlFor="audit-user-id">
              User ID
            </label>
            <div className="control">
              <input
                id="audit-user-id"
                className="input"
                type="number"
                min={1}
                value={userId}
                onChange={(event) => setUserId(event.target.value)}
              />
            </div>
          </div>
        </div>
        <div className="column">
          <div className="field">
            <label className="label" htmlFor="audit-event">
              Event
            </label>
            <div className="control">
              <input
                id="audit-event"
                className="input"
                type="text"
                placeholder="e.g. login_failed"
                pattern="[a-z0-9_.]{1,64}"
                value={eventName}
                onChange={(event) => setEventName(event.target.value)}
              />
            </div>
          </div>
        </div>
        <div className="column is-narrow">
          <div className="field">
            <button type="submit" className="button is-primary">
              Filter
            </button>
          </div>
        </div>
      </form>
      {events.status === 'error' && <ErrorNotice error={events.error} onRetry={events.reload} />}
      {!data && events.status === 'loading' && <Loading label="Loading the audit log…" />}
      {data && (
        <div aria-busy={events.status === 'loading'}>
          <div className="table-container">
            <table className="table is-fullwidth">
              <thead>
                <tr>
                  <th scope="col">Time</th>
                  <th scope="col">Event</th>
                  <th scope="col">User</th>
                  <th scope="col">Target</th>
                  <th scope="col">Address</th>
                  <th scope="col">Details</th>
                </tr>
              </thead>
              <tbody>
                {data.events.length === 0 && (
                  <tr>
                    <td colSpan={6}>No events match.</td>
                  </tr>
                )}
                {data.events.map((row) => (
                  <tr key={row.id}>
                    <td>{formatTime(row.created_at)}</td>
                    <td>{row.event}</td>
                    <td>{row.user_id ?? ''}</td>
                    <td>{row.target_user_id ?? ''}</td>
                    <td>{row.address ?? ''}</td>
                    <td>{formatDetails(row.details)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pagination page={data.page} pages={pages} onChange={setPage} />
        </div>
      )}
    </section>
  );
}
