import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { FormModal } from './FormModal';
import type { Submission } from './use-submit';

function submission(overrides: Partial<Submission> = {}): Submission {
  return { submitting: false, error: null, fieldErrors: {}, submit: vi.fn((event) => event?.preventDefault()), ...overrides };
}

describe('FormModal', () => {
  it('sends its form from the footer, and closes on Cancel', async () => {
    const user = userEvent.setup();
    const sent = submission();
    const onClose = vi.fn();
    render(
      <FormModal title="Add Item" submitLabel="Add" submission={sent} submitDisabled={false} onClose={onClose}>
        <input aria-label="Name" />
      </FormModal>,
    );

    const dialog = screen.getByRole('dialog', { name: 'Add Item' });
    expect(within(dialog).getByRole('textbox', { name: 'Name' })).toHaveFocus();
    await user.click(within(dialog).getByRole('button', { name: 'Add' }));
    expect(sent.submit).toHaveBeenCalledTimes(1);

    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it('shows a failure above the fields and keeps Add disabled while asked to', () => {
    render(
      <FormModal
        title="Add Item"
        submitLabel="Add"
        submission={submission({ error: new Error('Sorry. That name already exists.') })}
        submitDisabled
        onClose={() => {}}
      >
        <input aria-label="Name" />
      </FormModal>,
    );

    const alert = screen.getByRole('alert');
    expect(alert).toHaveTextContent('Sorry. That name already exists.');
    expect(alert.compareDocumentPosition(screen.getByRole('textbox', { name: 'Name' }))).toBe(Node.DOCUMENT_POSITION_FOLLOWING);
    expect(screen.getByRole('button', { name: 'Add' })).toBeDisabled();
  });
});
