import { Suspense, useState } from 'react';
import { Navigate, useSearchParams } from 'react-router';

import { useFlash } from '@/components/flash';
import { LoginRequired } from '@/components/layout/LoginRequired';
import { PageTitle } from '@/components/layout/PageTitle';
import { ErrorNotice } from '@/components/ui/ErrorNotice';
import { Loading } from '@/components/ui/Loading';
import { Pagination } from '@/components/ui/Pagination';
import { ITEMS_PER_PAGE } from '@/config/constants';
import { getItems } from '@/lib/api/items';
import type { Item } from '@/lib/api/types';
import { lazyImport } from '@/lib/lazy-import';
import { useSession } from '@/lib/session';
import { useAsync } from '@/lib/use-async';

import '@/styles/lists.scss';

import { ItemsTable } from './ItemsTable';
import { OwnerFilter, parseOwnerId } from './OwnerFilter';

// Fetched when the user first opens one.
const AddItemModal = lazyImport(() => import('./AddItemModal'), 'AddItemModal');
const EditItemModal = lazyImport(() => import('./EditItemModal'), 'EditItemModal');
const DeleteItemModal = lazyImport(() => import('./DeleteItemModal'), 'DeleteItemModal');

type Dialog = { kind: 'add' } | { kind: 'edit'; item: Item } | { kind: 'delete'; item: Item } | null;

function pageFrom(params: URLSearchParams): number {
  const page = Number(params.get('page'));
  return Number.isInteger(page) && page > 0 ? page : 1;
}

/** The signed-in user's items, with an admin's view of anyone's. */
function ItemsList({ isAdmin, viewerId }: { isAdmin: boolean; viewerId: number | undefined }) {
  const [params, setParams] = useSearchParams();
  const page = pageFrom(params);
  // Only admins may ask for another owner's items; anyone else always sees their own.
  const ownerId = isAdmin ? parseOwnerId(params.get('owner_id')) : null;
  const { flash } = useFlash();
  const [dialog, setDialog] = useState<Dialog>(null);
  const items = useAsync(() => getItems(page, ITEMS_PER_PAGE, ownerId ?? undefined), [page, ownerId, viewerId]);

  /** The address's query for a page of an owner's items (the current owner unless given). */
  const queryFor = (next: { page?: number; ownerId?: number | null }) => {
    const owner = next.ownerId === undefined ? ownerId : next.ownerId;
    const query = new URLSearchParams();
    if (owner !== null) query.set('owner_id', String(owner));
    if (next.page && next.page > 1) query.set('page', String(next.page));
    return query;
  };
  const show = (next: { page?: number; ownerId?: number | null }) => setParams(queryFor(next));
  const close = () => setDialog(null);
  const afterChange = (message: string) => {
    setDialog(null);
    flash('success', message);
    items.reload();
  };
  const onGone = (message: string) => {
    setDialog(null);
    flash('danger', message);
    items.reload();
  };

  const data = items.data;
  const pages = data ? Math.max(1, Math.ceil(data.total / data.per_page)) : 1;
  // Deleting the last item of the last page leaves a page past the end: show the new last one.
  const pastTheEnd = data !== undefined && data.items.length === 0 && data.page > pages;

  return (
    <>
      {pastTheEnd && <Navigate replace to={{ search: `?${queryFor({ page: pages }).toString()}` }} />}
      <div className="level is-mobile">
        <div className="level-left">
          <h1 className="title is-1">Items</h1>
        </div>
        <div className="level-right">
          <button type="button" className="button is-primary" onClick={() => setDialog({ kind: 'add' })}>
            Add Item
          </button>
        </div>
      </div>
      <hr />
      {isAdmin && <OwnerFilter key={ownerId ?? 'own'} ownerId={ownerId} onChange={(owner) => show({ ownerId: owner })} />}
      {items.status === 'error' && <ErrorNotice error={items.error} onRetry={items.reload} />}
      {!data && items.status === 'loading' && <Loading label="Loading items…" />}
      {data && (
        <div aria-busy={items.status === 'loading'}>
          <ItemsTable
            items={data.items}
            showOwner={isAdmin}
            emptyText={ownerId === null ? 'No items yet.' : `User ${ownerId} has no items.`}
            onEdit={(item) => setDialog({ kind: 'edit', item })}
            onDelete={(item) => setDialog({ kind: 'delete', item })}
          />
          <Pagination page={data.page} pages={pages} onChange={(next) => show({ page: next })} />
        </div>
      )}
      <Suspense>
        {dialog?.kind === 'add' && <AddItemModal onClose={close} onAdded={afterChange} />}
        {dialog?.kind === 'edit' && (
          <EditItemModal item={dialog.item} onClose={close} onSaved={afterChange} onGone={onGone} />
        )}
        {dialog?.kind === 'delete' && (
          <DeleteItemModal item={dialog.item} onClose={close} onDeleted={afterChange} onGone={onGone} />
        )}
      </Suspense>
    </>
  );
}

/** The "Items" page: each user adds, edits and deletes their own items; admins see anyone's. */
export function ItemsPage() {
  const session = useSession();
  return (
    <div>
      <PageTitle title="Items" />
      {session.status === 'authenticated' ? (
        <ItemsList isAdmin={session.isAdmin} viewerId={session.user?.id} />
      ) : (
        <>
          <h1 className="title is-1">Items</h1>
          <hr />
          {session.status === 'loading' ? <Loading /> : <LoginRequired />}
        </>
      )}
    </div>
  );
}
