import { DataTable, type DataColumn } from '@/components/ui/DataTable';
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

const COLUMNS: DataColumn<Item>[] = [
  { header: 'ID', cell: (item) => item.id },
  { header: 'Title', cell: (item) => item.title },
  { header: 'Description', cell: (item) => item.description, className: 'item-description' },
];
const OWNER: DataColumn<Item> = { header: 'Owner', cell: (item) => item.owner_id };

export function ItemsTable({ items, showOwner, emptyText, onEdit, onDelete }: ItemsTableProps) {
  return (
    <DataTable
      rows={items}
      columns={showOwner ? [...COLUMNS, OWNER] : COLUMNS}
      emptyText={emptyText}
      rowName={(item) => item.title}
      onEdit={onEdit}
      onDelete={onDelete}
    />
  );
}
