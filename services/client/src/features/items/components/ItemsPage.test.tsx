import { delay, http, HttpResponse } from 'msw';

import { admin, db, member, renderApp, screen, sentBodies, server, waitFor, within } from '@/testing/test-utils';

const row = (title: string) => screen.getByRole('cell', { name: title }).closest('tr') as HTMLElement;
const cells = (element: HTMLElement) => within(element).getAllByRole('cell').map((cell) => cell.textContent);

/** The query strings of the GET /items requests the app sends from now on. */
function listQueries(): string[] {
  const queries: string[] = [];
  server.events.on('request:start', ({ request }) => {
    const url = new URL(request.url);
    if (request.method === 'GET' && url.pathname === '/items') queries.push(url.search);
  });
  return queries;
}

describe('The items page', () => {
  it('asks a visitor to log in', async () => {
    await renderApp('/my-items');
    expect(await screen.findByRole('heading', { level: 1, name: 'Items' })).toBeInTheDocument();
    expect(screen.getByText(/You must be logged in to view this/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Add Item' })).not.toBeInTheDocument();
  });

  it("lists the signed-in user's own items, and nobody else's", async () => {
    const me = member();
    const other = db.addUser({ username: 'fletcher', email: 'fletcher@notreal.com' });
    db.addItem({ title: 'Buy milk', description: 'Two litres', owner_id: me.id });
    db.addItem({ title: 'Secret plan', owner_id: other.id });
    db.addItem({ title: 'Call mum', owner_id: me.id });
    await renderApp('/my-items', { loggedInAs: me });

    const table = await screen.findByRole('table');
    const rows = within(table).getAllByRole('row');
    expect(within(rows[0]!).getAllByRole('columnheader').map((cell) => cell.textContent)).toEqual([
      'ID',
      'Title',
      'Description',
      'Actions',
    ]);
    expect(cells(rows[1]!)).toEqual(['1', 'Buy milk', 'Two litres', 'EditDelete']);
    expect(cells(rows[2]!)).toEqual(['3', 'Call mum', '', 'EditDelete']);
    expect(rows).toHaveLength(3);
    expect(screen.queryByText('Secret plan')).not.toBeInTheDocument();
    expect(document.title).toBe('Items · Users');
  });

  it('says so when the user has no items yet', async () => {
    await renderApp('/my-items', { loggedInAs: member() });
    expect(await screen.findByRole('cell', { name: 'No items yet.' })).toBeInTheDocument();
  });

  it('pages through items ten at a time', async () => {
    const me = member();
    for (let index = 1; index <= 12; index++) db.addItem({ title: `Thing ${index}`, owner_id: me.id });
    const queries = listQueries();
    const { user } = await renderApp('/my-items', { loggedInAs: me });

    expect(await screen.findByRole('cell', { name: 'Thing 10' })).toBeInTheDocument();
    expect(screen.queryByRole('cell', { name: 'Thing 11' })).not.toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Next' }));
    expect(await screen.findByRole('cell', { name: 'Thing 11' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Page 2' })).toHaveAttribute('aria-current', 'page');
    expect(screen.getByRole('button', { name: 'Next' })).toBeDisabled();
    expect(queries).toEqual(['?page=1&per_page=10', '?page=2&per_page=10']);
  });

  it('goes back a page when the last item of the last page is deleted', async () => {
    const me = member();
    for (let index = 1; index <= 11; index++) db.addItem({ title: `Thing ${index}`, owner_id: me.id });
    const queries = listQueries();
    const { user } = await renderApp('/my-items?page=2', { loggedInAs: me });

    await user.click(await screen.findByRole('button', { name: 'Delete Thing 11' }));
    await user.click(within(await screen.findByRole('dialog', { name: 'Delete Item' })).getByRole('button', { name: 'Delete' }));

    expect(await screen.findByRole('cell', { name: 'Thing 10' })).toBeInTheDocument();
    expect(screen.queryByRole('cell', { name: 'No items yet.' })).not.toBeInTheDocument();
    expect(screen.queryByRole('navigation', { name: 'Pagination' })).not.toBeInTheDocument();
    expect(queries).toEqual(['?page=2&per_page=10', '?page=2&per_page=10', '?page=1&per_page=10']);
  });

  it('says so while the items load', async () => {
    const me = member();
    db.addItem({ title: 'Buy milk', owner_id: me.id });
    server.use(
      http.get('*/items', async () => {
        await delay(200);
        return undefined;
      }),
    );
    await renderApp('/my-items', { loggedInAs: me });

    expect((await screen.findByText('Loading items…')).closest('[role="status"]')).toBeInTheDocument();
    expect(await screen.findByRole('cell', { name: 'Buy milk' })).toBeInTheDocument();
    expect(screen.queryByText('Loading items…')).not.toBeInTheDocument();
  });

  it('shows the service message when the items cannot be loaded, and tries again on request', async () => {
    const me = member();
    db.addItem({ title: 'Buy milk', owner_id: me.id });
    let fail = true;
    server.use(
      http.get('*/items', () =>
        fail ? HttpResponse.json({ status: 'fail', message: 'Database unavailable.' }, { status: 503 }) : undefined,
      ),
    );
    const { user } = await renderApp('/my-items', { loggedInAs: me });

    expect(await screen.findByRole('alert')).toHaveTextContent('Database unavailable.');
    fail = false;
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('cell', { name: 'Buy milk' })).toBeInTheDocument();
  });
});

describe('Adding an item', () => {
  it('goes through a form whose rules are checked as the user types', async () => {
    const me = member();
    const { user } = await renderApp('/my-items', { loggedInAs: me });
    const bodies = sentBodies('POST', '/items');

    await user.click(await screen.findByRole('button', { name: 'Add Item' }));
    const dialog = await screen.findByRole('dialog', { name: 'Add Item' });
    const add = within(dialog).getByRole('button', { name: 'Add' });
    const title = within(dialog).getByLabelText('Title');
    expect(title).toHaveFocus();
    expect(add).toBeDisabled();
    expect(within(dialog).getByText('Title is required.')).toHaveClass('error');
    expect(within(dialog).getByText('Title must be at most 200 characters.')).toHaveClass('success');
    expect(within(dialog).getByText('Description must be at most 2,000 characters.')).toHaveClass('success');

    await user.type(title, '   ');
    expect(within(dialog).getByText('Title is required.')).toHaveClass('error');
    expect(add).toBeDisabled();

    await user.clear(title);
    await user.click(title);
    await user.paste('x'.repeat(201));
    expect(within(dialog).getByText('Title is required.')).toHaveClass('success');
    expect(within(dialog).getByText('Title must be at most 200 characters.')).toHaveClass('error');
    expect(add).toBeDisabled();

    await user.clear(title);
    await user.type(title, 'Buy milk');
    const description = within(dialog).getByLabelText('Description');
    await user.click(description);
    await user.paste('d'.repeat(2001));
    expect(within(dialog).getByText('Description must be at most 2,000 characters.')).toHaveClass('error');
    expect(add).toBeDisabled();

    await user.clear(description);
    await user.type(description, 'Two litres');
    expect(add).toBeEnabled();
    await user.click(add);

    expect(await screen.findByText('Item was added!')).toBeInTheDocument();
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(cells(await screen.findByRole('row', { name: /Buy milk/ }))).toEqual(['1', 'Buy milk', 'Two litres', 'EditDelete']);
    expect(bodies).toEqual([{ title: 'Buy milk', description: 'Two litres' }]);
    expect(db.findItem(1)).toMatchObject({ title: 'Buy milk', owner_id: me.id });
  });

  it("keeps the form open with the service's messages when it refuses the item", async () => {
    server.use(
      http.post('*/items', () =>
        HttpResponse.json(
          { status: 'fail', message: 'Invalid payload.', errors: { title: ['Must not be blank.'] } },
          { status: 400 },
        ),
      ),
    );
    const { user } = await renderApp('/my-items', { loggedInAs: member() });

    await user.click(await screen.findByRole('button', { name: 'Add Item' }));
    const dialog = await screen.findByRole('dialog', { name: 'Add Item' });
    await user.type(within(dialog).getByLabelText('Title'), 'Buy milk');
    await user.click(within(dialog).getByRole('button', { name: 'Add' }));

    expect(await within(dialog).findByRole('alert')).toHaveTextContent('Invalid payload.');
    expect(within(dialog).getByLabelText('Title')).toHaveAccessibleDescription('Must not be blank.');
    expect(screen.getByRole('dialog', { name: 'Add Item' })).toBeInTheDocument();
  });

  it('closes without adding anything when the user cancels', async () => {
    const { user } = await renderApp('/my-items', { loggedInAs: member() });

    await user.click(await screen.findByRole('button', { name: 'Add Item' }));
    const dialog = await screen.findByRole('dialog', { name: 'Add Item' });
    await user.type(within(dialog).getByLabelText('Title'), 'Buy milk');
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));

    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(db.items()).toEqual([]);
  });
});

describe('Editing an item', () => {
  it('sends only what changed, once the rules hold', async () => {
    const me = member();
    const item = db.addItem({ title: 'Buy milk', description: 'Two litres', owner_id: me.id });
    const { user } = await renderApp('/my-items', { loggedInAs: me });
    const bodies = sentBodies('PATCH', `/items/${item.id}`);

    await screen.findByRole('cell', { name: 'Buy milk' });
    await user.click(within(row('Buy milk')).getByRole('button', { name: 'Edit Buy milk' }));
    const dialog = await screen.findByRole('dialog', { name: 'Edit Buy milk' });
    const title = within(dialog).getByLabelText('Title');
    const save = within(dialog).getByRole('button', { name: 'Save' });
    expect(title).toHaveValue('Buy milk');
    expect(within(dialog).getByLabelText('Description')).toHaveValue('Two litres');
    expect(save).toBeDisabled();

    await user.clear(title);
    expect(within(dialog).getByText('Title is required.')).toHaveClass('error');
    expect(save).toBeDisabled();
    await user.type(title, 'Buy oat milk');
    expect(save).toBeEnabled();
    await user.click(save);

    expect(await screen.findByText('Item was updated.')).toBeInTheDocument();
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    await screen.findByRole('cell', { name: 'Buy oat milk' });
    expect(cells(row('Buy oat milk'))).toEqual([String(item.id), 'Buy oat milk', 'Two litres', 'EditDelete']);
    expect(bodies).toEqual([{ title: 'Buy oat milk' }]);
  });

  it("changes a description alone, and shows the service's message", async () => {
    const me = member();
    const item = db.addItem({ title: 'Buy milk', description: 'Two litres', owner_id: me.id });
    server.use(
      http.patch('*/items/:id', () =>
        HttpResponse.json({ status: 'success', message: 'Saved: Buy milk.', data: { ...item, description: '' } }),
      ),
    );
    const { user } = await renderApp('/my-items', { loggedInAs: me });
    const bodies = sentBodies('PATCH', `/items/${item.id}`);

    await user.click(await screen.findByRole('button', { name: 'Edit Buy milk' }));
    const dialog = await screen.findByRole('dialog', { name: 'Edit Buy milk' });
    await user.clear(within(dialog).getByLabelText('Description'));
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));

    expect(await screen.findByText('Saved: Buy milk.')).toBeInTheDocument();
    expect(bodies).toEqual([{ description: '' }]);
  });

  it('closes, says so and drops the row when the item no longer exists', async () => {
    const me = member();
    const item = db.addItem({ title: 'Buy milk', owner_id: me.id });
    const { user } = await renderApp('/my-items', { loggedInAs: me });

    await user.click(await screen.findByRole('button', { name: 'Edit Buy milk' }));
    const dialog = await screen.findByRole('dialog', { name: 'Edit Buy milk' });
    db.removeItem(item.id);
    await user.type(within(dialog).getByLabelText('Title'), '!');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));

    const message = await screen.findByText('Item does not exist');
    expect(message.closest('.notification')).toHaveClass('is-danger');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(await screen.findByRole('cell', { name: 'No items yet.' })).toBeInTheDocument();
  });

  it("keeps the form open with the service's message on any other failure", async () => {
    const me = member();
    db.addItem({ title: 'Buy milk', owner_id: me.id });
    server.use(
      http.patch('*/items/:id', () => HttpResponse.json({ status: 'fail', message: 'Database unavailable.' }, { status: 503 })),
    );
    const { user } = await renderApp('/my-items', { loggedInAs: me });

    await user.click(await screen.findByRole('button', { name: 'Edit Buy milk' }));
    const dialog = await screen.findByRole('dialog', { name: 'Edit Buy milk' });
    await user.type(within(dialog).getByLabelText('Title'), '!');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));

    expect(await within(dialog).findByRole('alert')).toHaveTextContent('Database unavailable.');
    expect(screen.getByRole('dialog', { name: 'Edit Buy milk' })).toBeInTheDocument();
  });
});

describe('Deleting an item', () => {
  it('asks first, and removes the item once confirmed', async () => {
    const me = member();
    const item = db.addItem({ title: 'Buy milk', owner_id: me.id });
    const { user } = await renderApp('/my-items', { loggedInAs: me });

    await user.click(await screen.findByRole('button', { name: 'Delete Buy milk' }));
    let dialog = await screen.findByRole('dialog', { name: 'Delete Item' });
    expect(dialog).toHaveTextContent('Delete Buy milk? This cannot be undone.');
    expect(within(dialog).getByRole('button', { name: 'Cancel' })).toHaveFocus();
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(db.findItem(item.id)).toBeDefined();

    await user.click(within(row('Buy milk')).getByRole('button', { name: 'Delete Buy milk' }));
    dialog = await screen.findByRole('dialog', { name: 'Delete Item' });
    await user.click(within(dialog).getByRole('button', { name: 'Delete' }));

    const message = await screen.findByText('Item was deleted.');
    expect(message.closest('.notification')).toHaveClass('is-success');
    await waitFor(() => expect(screen.queryByRole('cell', { name: 'Buy milk' })).not.toBeInTheDocument());
    expect(db.findItem(item.id)).toBeUndefined();
  });

  it('closes and says so when the item is already gone', async () => {
    const me = member();
    const item = db.addItem({ title: 'Buy milk', owner_id: me.id });
    const { user } = await renderApp('/my-items', { loggedInAs: me });

    await user.click(await screen.findByRole('button', { name: 'Delete Buy milk' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete Item' });
    db.removeItem(item.id);
    await user.click(within(dialog).getByRole('button', { name: 'Delete' }));

    expect((await screen.findByText('Item does not exist')).closest('.notification')).toHaveClass('is-danger');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(await screen.findByRole('cell', { name: 'No items yet.' })).toBeInTheDocument();
  });

  it('shows why a delete failed', async () => {
    const me = member();
    db.addItem({ title: 'Buy milk', owner_id: me.id });
    server.use(
      http.delete('*/items/:id', () => HttpResponse.json({ status: 'fail', message: 'Database unavailable.' }, { status: 503 })),
    );
    const { user } = await renderApp('/my-items', { loggedInAs: me });

    await user.click(await screen.findByRole('button', { name: 'Delete Buy milk' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete Item' });
    await user.click(within(dialog).getByRole('button', { name: 'Delete' }));

    expect(await within(dialog).findByRole('alert')).toHaveTextContent('Database unavailable.');
  });
});

describe("An admin's items page", () => {
  it('shows whose each item is', async () => {
    const me = admin();
    db.addItem({ title: 'Audit logs', owner_id: me.id });
    await renderApp('/my-items', { loggedInAs: me });

    const table = await screen.findByRole('table');
    expect(within(table).getAllByRole('columnheader').map((cell) => cell.textContent)).toEqual([
      'ID',
      'Title',
      'Description',
      'Owner',
      'Actions',
    ]);
    expect(cells(row('Audit logs'))).toEqual(['1', 'Audit logs', '', String(me.id), 'EditDelete']);
  });

  it("lists another owner's items by the owner's id, and back to the admin's own", async () => {
    const me = admin();
    const michael = member();
    db.addItem({ title: 'Audit logs', owner_id: me.id });
    db.addItem({ title: 'Buy milk', owner_id: michael.id });
    const queries = listQueries();
    const { user } = await renderApp('/my-items', { loggedInAs: me });
    await screen.findByRole('cell', { name: 'Audit logs' });

    const filter = screen.getByRole('search', { name: 'Filter by owner' });
    await user.type(within(filter).getByLabelText('Owner ID'), String(michael.id));
    await user.click(within(filter).getByRole('button', { name: 'Filter' }));

    expect(await screen.findByRole('cell', { name: 'Buy milk' })).toBeInTheDocument();
    expect(screen.queryByRole('cell', { name: 'Audit logs' })).not.toBeInTheDocument();
    expect(cells(row('Buy milk'))).toEqual(['2', 'Buy milk', '', String(michael.id), 'EditDelete']);
    expect(queries).toEqual(['?page=1&per_page=10', `?page=1&per_page=10&owner_id=${michael.id}`]);

    await user.click(screen.getByRole('button', { name: 'Show my items' }));
    expect(await screen.findByRole('cell', { name: 'Audit logs' })).toBeInTheDocument();
    expect(screen.getByLabelText('Owner ID')).toHaveValue('');
    expect(screen.queryByRole('button', { name: 'Show my items' })).not.toBeInTheDocument();
  });

  it('opens filtered from the address, keeps the filter while paging, and edits the owner’s items', async () => {
    const me = admin();
    const michael = member();
    for (let index = 1; index <= 11; index++) db.addItem({ title: `Thing ${index}`, owner_id: michael.id });
    const queries = listQueries();
    const { user } = await renderApp(`/my-items?owner_id=${michael.id}`, { loggedInAs: me });

    expect(await screen.findByRole('cell', { name: 'Thing 1' })).toBeInTheDocument();
    expect(screen.getByLabelText('Owner ID')).toHaveValue(String(michael.id));
    await user.click(screen.getByRole('button', { name: 'Page 2' }));
    expect(await screen.findByRole('cell', { name: 'Thing 11' })).toBeInTheDocument();
    expect(queries).toEqual([`?page=1&per_page=10&owner_id=${michael.id}`, `?page=2&per_page=10&owner_id=${michael.id}`]);

    await user.click(screen.getByRole('button', { name: 'Delete Thing 11' }));
    await user.click(within(await screen.findByRole('dialog', { name: 'Delete Item' })).getByRole('button', { name: 'Delete' }));
    expect(await screen.findByText('Item was deleted.')).toBeInTheDocument();
    expect(db.items().map((item) => item.title)).not.toContain('Thing 11');
  });

  it('says so when the owner has no items', async () => {
    const me = admin();
    await renderApp('/my-items?owner_id=42', { loggedInAs: me });
    expect(await screen.findByRole('cell', { name: 'User 42 has no items.' })).toBeInTheDocument();
  });

  it('refuses an owner id that is not a positive whole number', async () => {
    const me = admin();
    const { user } = await renderApp('/my-items', { loggedInAs: me });
    const filter = await screen.findByRole('search', { name: 'Filter by owner' });
    const input = within(filter).getByLabelText('Owner ID');

    await user.type(input, 'abc');
    expect(within(filter).getByRole('button', { name: 'Filter' })).toBeDisabled();
    expect(input).toHaveAccessibleDescription('An owner ID is a whole number above 0.');
    await user.clear(input);
    await user.type(input, '0');
    expect(within(filter).getByRole('button', { name: 'Filter' })).toBeDisabled();
    await user.clear(input);
    expect(within(filter).getByRole('button', { name: 'Filter' })).toBeEnabled();
    expect(input).not.toHaveAttribute('aria-invalid');
  });
});

describe('A user who is not an admin', () => {
  it('has no owner column or filter, and an owner in the address changes nothing', async () => {
    const me = member();
    const other = db.addUser({ username: 'fletcher', email: 'fletcher@notreal.com' });
    db.addItem({ title: 'Buy milk', owner_id: me.id });
    db.addItem({ title: 'Secret plan', owner_id: other.id });
    const queries = listQueries();
    await renderApp(`/my-items?owner_id=${other.id}`, { loggedInAs: me });

    expect(await screen.findByRole('cell', { name: 'Buy milk' })).toBeInTheDocument();
    expect(screen.queryByRole('columnheader', { name: 'Owner' })).not.toBeInTheDocument();
    expect(screen.queryByRole('search', { name: 'Filter by owner' })).not.toBeInTheDocument();
    expect(screen.queryByText('Secret plan')).not.toBeInTheDocument();
    expect(queries).toEqual(['?page=1&per_page=10']);
  });
});
