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
