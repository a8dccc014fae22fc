import type { ReactNode } from 'react';

/** A column the table is sorted by on its header's click: its order now, and what the click does. */
export interface ColumnSort {
  direction: 'ascending' | 'descending' | undefined;
  onSort: () => void;
}

export interface DataColumn<Row> {
  header: string;
  cell: (row: Row) => ReactNode;
  className?: string;
  sort?: ColumnSort;
}

interface DataTableProps<Row extends { id: number | string }> {
  rows: Row[];
  /** The columns shown, in order; the actions column follows them. */
  columns: DataColumn<Row>[];
  /** What the table says when there is nothing to list; without it an empty table has no such row. */
  emptyText?: string;
  /** How a row's buttons name it, e.g. its title: "Edit <name>". */
  rowName?: (row: Row) => string;
  onEdit?: ((row: Row) => void) | undefined;
  onDelete?: ((row: Row) => void) | undefined;
  /** A row's own actions cell, in place of the Edit and Delete buttons. */
  actions?: (row: Row) => ReactNode;
  /** Rows light up under the pointer (where they have something to click). */
  hoverable?: boolean;
}

interface ActionButtonProps {
  action: string;
  color: 'is-info' | 'is-danger';
  name: string;
  onClick: () => void;
}

/** A row's button; its accessible name says which row it acts on. */
function ActionButton({ action, color, name, onClick }: ActionButtonProps) {
  return (
    <button type="button" className={`button is-small ${color} is-light`} aria-label={`${action} ${name}`} onClick={onClick}>
      {action}
    </button>
  );
}

/** A column's header; a sortable one is a button that shows the order. */
function ColumnHeader({ header, sort }: { header: string; sort: ColumnSort | undefined }) {
  if (!sort) return <th scope="col">{header}</th>;
  const { direction, onSort } = sort;
  return (
    <th scope="col" aria-sort={direction ?? 'none'}>
      <button type="button" className="button is-white is-small" onClick={onSort}>
        {header}
        <span aria-hidden="true">{direction === 'ascending' ? ' ▲' : direction === 'descending' ? ' ▼' : ''}</span>
      </button>
    </th>
  );
}

/**
 * A list of records, one row each, with Edit and Delete buttons where their handlers are given
 * (or the row's own actions).
 */
export function DataTable<Row extends { id: number | string }>({
  rows,
  columns,
  emptyText,
  rowName = (row) => String(row.id),
  onEdit,
  onDelete,
  actions,
  hoverable = true,
}: DataTableProps<Row>) {
  const showActions = Boolean(actions || onEdit || onDelete);
  return (
    <div className="table-container">
      <table className={`table${hoverable ? ' is-hoverable' : ''} is-fullwidth`}>
        <thead>
          <tr>
            {columns.map((column) => (
              <ColumnHeader key={column.header} header={column.header} sort={column.sort} />
            ))}
            {showActions && (
              <th scope="col">
                <span className="is-sr-only">Actions</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 && emptyText !== undefined && (
            <tr>
              <td colSpan={columns.length + (showActions ? 1 : 0)}>{emptyText}</td>
            </tr>
          )}
          {rows.map((row) => (
            <tr key={row.id}>
              {columns.map((column) => (
                <td key={column.header} className={column.className}>
                  {column.cell(row)}
                </td>
              ))}
              {showActions && (
                <td className="has-text-right">
                  {actions ? (
                    actions(row)
                  ) : (
                    <div className="buttons is-right">
                      {onEdit && <ActionButton action="Edit" color="is-info" name={rowName(row)} onClick={() => onEdit(row)} />}
                      {onDelete && (
                        <ActionButton action="Delete" color="is-danger" name={rowName(row)} onClick={() => onDelete(row)} />
                      )}
                    </div>
                  )}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
