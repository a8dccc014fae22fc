import type { ReactNode } from 'react';

export interface DataColumn<Row> {
  header: string;
  cell: (row: Row) => ReactNode;
  className?: string;
}

interface DataTableProps<Row extends { id: number }> {
  rows: Row[];
  /** The columns shown, in order; the actions column follows them. */
  columns: DataColumn<Row>[];
  /** What the table says when there is nothing to list. */
  emptyText: string;
  /** How a row's buttons name it, e.g. its title: "Edit <name>". */
  rowName: (row: Row) => string;
  onEdit?: ((row: Row) => void) | undefined;
  onDelete?: ((row: Row) => void) | undefined;
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

/** A list of records, one row each, with Edit and Delete buttons where their handlers are given. */
export function DataTable<Row extends { id: number }>({
  rows,
  columns,
  emptyText,
  rowName,
  onEdit,
  onDelete,
}: DataTableProps<Row>) {
  const showActions = Boolean(onEdit || onDelete);
  return (
    <div className="table-container">
      <table className="table is-hoverable is-fullwidth">
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column.header} scope="col">
                {column.header}
              </th>
            ))}
            {showActions && (
              <th scope="col">
                <span className="is-sr-only">Actions</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 && (
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
                  <div className="buttons is-right">
                    {onEdit && <ActionButton action="Edit" color="is-info" name={rowName(row)} onClick={() => onEdit(row)} />}
                    {onDelete && (
                      <ActionButton action="Delete" color="is-danger" name={rowName(row)} onClick={() => onDelete(row)} />
                    )}
                  </div>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
