import { screen, waitFor, within } from '@testing-library/react';

import { renderWithProviders } from '@/testing/test-utils';

import { ConfirmDeleteModal } from './ConfirmDeleteModal';

function renderModal(remove: () => Promise<string | null>) {
  const onClose = vi.fn();
  const onDeleted = vi.fn();
  const view = renderWithProviders(
    <ConfirmDeleteModal
      title="Delete Item"
      subject={<strong>Milk</strong>}
      remove={remove}
      onClose={onClose}
      onDeleted={onDeleted}
    />,
  );
  return { ...view, onClose, onDeleted, dialog: screen.getByRole('dialog', { name: 'Delete Item' }) };
}

describe('ConfirmDeleteModal', () => {
  it('asks about its subject with Cancel focused, and Cancel closes it without deleting', async () => {
    const remove = vi.fn(async () => 'Deleted.');
    const { user, dialog, onClose } = renderModal(remove);

    expect(dialog).toHaveTextContent('Delete Milk? This cannot be undone.');
    const cancel = within(dialog).getByRole('button', { name: 'Cancel' });
    expect(cancel).toHaveFocus();
    await user.click(cancel);
    expect(onClose).toHaveBeenCalledTimes(1);
    expect(remove).not.toHaveBeenCalled();
  });

  it("passes the service's message on after deleting", async () => {
    const { user, dialog, onDeleted } = renderModal(async () => 'The item was deleted.');

    await user.click(within(dialog).getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(onDeleted).toHaveBeenCalledWith('The item was deleted.'));
  });

  it('reports nothing when the deletion resolves to no message', async () => {
    const remove = vi.fn(async () => null);
    const { user, dialog, onDeleted } = renderModal(remove);

    await user.click(within(dialog).getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(remove).toHaveBeenCalledTimes(1));
    await waitFor(() => expect(within(dialog).getByRole('button', { name: 'Delete' })).toBeEnabled());
    expect(onDeleted).not.toHaveBeenCalled();
  });

  it('shows a failure above the question and stays open', async () => {
    const { user, dialog, onDeleted, onClose } = renderModal(async () => {
      throw new Error('The service is unavailable.');
    });

    await user.click(within(dialog).getByRole('button', { name: 'Delete' }));
    expect(await within(dialog).findByText('The service is unavailable.')).toBeInTheDocument();
    expect(onDeleted).not.toHaveBeenCalled();
    expect(onClose).not.toHaveBeenCalled();
  });
});
