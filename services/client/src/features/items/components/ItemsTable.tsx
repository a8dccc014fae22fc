import type { Item } from '@/lib/api/types';

interface ItemsTableProps {
  items: Item[];
  /** Admins see whose each item is. */
  showOwner: boolean;
  /** What the table says when there is nothing to list. */
  emptyText: string;
  onEdit: (item: Item) => void;
  onDelete: (item: Item) => void;
}

interface ActionButtonProps {
  action: string;
  color: 'is-info' | 'is-danger';
  item: Item;
  onClick: (item: Item) => void;
}

/** A row's button; its accessible name says which item it acts on. */
function ActionButton({ action, color, item, onClick }: ActionButtonProps) {
  return (
    <button
      type="button"
      className={`button is-small ${color} is-light`}
      aria-label={`${action} ${item.title}`}
      onClick={() => onClick(item)}
    >
      {action}
    </button>
  );
}

export function ItemsTable({ items, showOwner, emptyText, onEdit, onDelete }: ItemsTableProps) {
  return (
    <div className="table-container">
      <table className="table is-hoverable is-fullwidth">
        <thead>
          <tr>
            <th scope="col">ID</th>
            <th scope="col">Title</th>
            <th scope="col">Description</th>
            {showOwner && <th scope="col">Owner</th>}
            <th scope="col">
              <span className="is-sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {items.length === 0 && (
            <tr>
              <td colSpan={showOwner ? 5 : 4}>{emptyText}</td>
            </tr>
          )}
          {items.map((item) => (
            <tr key={item.id}>
              <td>{item.id}</td>
              <td>{item.title}</td>
              <td className="item-description">{item.description}</td>
              {showOwner && <td>{item.owner_id}</td>}
              <td className="has-text-right">
                <div className="buttons is-right">
                  <ActionButton action="Edit" color="is-info" item={item} onClick={onEdit} />
                  <ActionButton action="Delete" color="is-danger" item={item} onClick={onDelete} />
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
