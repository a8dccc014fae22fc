import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { DataTable, type DataColumn } from './DataTable';

interface Fruit {
  id: number;
  name: string;
}

const COLUMNS: DataColumn<Fruit>[] = [
  { header: 'ID', cell: (fruit) => fruit.id },
  { header: 'Name', cell: (fruit) => fruit.name, className: 'fruit-name' },
];
const FRUITS: Fruit[] = [
  { id: 1, name: 'Apple' },
  { id: 2, name: 'Pear' },
];

describe('DataTable', () => {
  it('shows one row per record, and buttons that name the row they act on', async () => {
    const user = userEvent.setup();
    const onEdit = vi.fn();
    const onDelete = vi.fn();
    render(
      <DataTable rows={FRUITS} columns={COLUMNS} emptyText="None." rowName={(f) => f.name} onEdit={onEdit} onDelete={onDelete} />,
    );

    expect(screen.getAllByRole('columnheader').map((th) => th.textContent)).toEqual(['ID', 'Name', 'Actions']);
    expect(screen.getByRole('cell', { name: 'Pear' })).toHaveClass('fruit-name');
    await user.click(screen.getByRole('button', { name: 'Edit Apple' }));
    expect(onEdit).toHaveBeenCalledWith(FRUITS[0]);
    await user.click(screen.getByRole('button', { name: 'Delete Pear' }));
    expect(onDelete).toHaveBeenCalledWith(FRUITS[1]);
  });

  it('has no actions column without handlers, and only the buttons whose handler it has', () => {
    const { rerender } = render(<DataTable rows={FRUITS} columns={COLUMNS} emptyText="None." rowName={(f) => f.name} />);
    expect(screen.getAllByRole('columnheader')).toHaveLength(2);
    expect(screen.queryByRole('button')).not.toBeInTheDocument();

    rerender(<DataTable rows={FRUITS} columns={COLUMNS} emptyText="None." rowName={(f) => f.name} onDelete={() => {}} />);
    expect(screen.queryByRole('button', { name: /^Edit/ })).not.toBeInTheDocument();
    expect(screen.getAllByRole('button', { name: /^Delete/ })).toHaveLength(2);
  });

  it('says so across the whole table when there is nothing to list', () => {
    render(<DataTable rows={[]} columns={COLUMNS} emptyText="No fruit yet." rowName={(f) => f.name} onEdit={() => {}} />);
    const rows = screen.getAllByRole('row');
    expect(rows).toHaveLength(2);
    expect(within(rows[1]!).getByRole('cell', { name: 'No fruit yet.' })).toHaveAttribute('colspan', '3');
  });
});

describe('DataTable options', () => {
  it('makes a sortable header a button that shows its order', async () => {
    const user = userEvent.setup();
    const onSort = vi.fn();
    const columns: DataColumn<Fruit>[] = [
      { header: 'ID', cell: (fruit) => fruit.id, sort: { direction: 'descending', onSort } },
      { header: 'Name', cell: (fruit) => fruit.name, sort: { direction: undefined, onSort: () => {} } },
    ];
    render(<DataTable rows={FRUITS} columns={columns} emptyText="None." />);

    const [id, name] = screen.getAllByRole('columnheader');
    expect(id).toHaveAttribute('aria-sort', 'descending');
    expect(id).toHaveTextContent('ID ▼');
    expect(name).toHaveAttribute('aria-sort', 'none');
    await user.click(within(id!).getByRole('button'));
    expect(onSort).toHaveBeenCalledOnce();
  });

  it("puts a row's own actions in place of Edit and Delete, and lists no empty row without its text", () => {
    const { rerender } = render(
      <DataTable rows={FRUITS} columns={COLUMNS} hoverable={false} actions={(fruit) => <span>Ripe {fruit.name}</span>} />,
    );
    expect(screen.getByRole('table')).not.toHaveClass('is-hoverable');
    expect(screen.getByText('Ripe Pear')).toBeInTheDocument();
    expect(screen.queryByRole('button')).not.toBeInTheDocument();

    rerender(<DataTable rows={[]} columns={COLUMNS} actions={() => null} />);
    expect(screen.getAllByRole('row')).toHaveLength(1);
  });

  it('names a row by its id when it is not told how', () => {
    render(<DataTable rows={FRUITS} columns={COLUMNS} onEdit={() => {}} />);
    expect(screen.getByRole('button', { name: 'Edit 2' })).toBeInTheDocument();
    expect(screen.getByRole('table')).toHaveClass('is-hoverable');
  });
});
