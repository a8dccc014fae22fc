import { useState, type FormEvent } from 'react';

import { TextField } from '@/components/form';
import { DataTable, type DataColumn } from '@/components/ui/DataTable';
import { ErrorNotice } from '@/components/ui/ErrorNotice';
import { Loading } from '@/components/ui/Loading';
import { Pagination } from '@/components/ui/Pagination';
import { getAuditEvents, type AuditFilter } from '@/lib/api/auth';
import type { AuditEvent } from '@/lib/api/types';
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

const COLUMNS: DataColumn<AuditEvent>[] = [
  { header: 'Time', cell: (row) => formatTime(row.created_at) },
  { header: 'Event', cell: (row) => row.event },
  { header: 'User', cell: (row) => row.user_id ?? '' },
  { header: 'Target', cell: (row) => row.target_user_id ?? '' },
  { header: 'Address', cell: (row) => row.address ?? '' },
  { header: 'Details', cell: (row) => formatDetails(row.details) },
];

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
          <TextField label="User ID" name="user_id" type="number" min={1} value={userId} onChange={(event) => setUserId(event.target.value)} />
        </div>
        <div className="column">
          <TextField
            label="Event"
            name="event"
            type="text"
            placeholder="e.g. login_failed"
            pattern="[a-z0-9_.]{1,64}"
            value={eventName}
            onChange={(event) => setEventName(event.target.value)}
          />
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
          <DataTable rows={data.events} columns={COLUMNS} emptyText="No events match." hoverable={false} />
          <Pagination page={data.page} pages={pages} onChange={setPage} />
        </div>
      )}
    </section>
  );
}
