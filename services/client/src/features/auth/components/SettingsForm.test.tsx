import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { FormEvent } from 'react';

import { SettingsForm } from './SettingsForm';

describe('SettingsForm', () => {
  it('is a form named by its heading, with its rules above its fields', async () => {
    const user = userEvent.setup();
    const onSubmit = vi.fn((event: FormEvent) => event.preventDefault());
    const rules = [{ id: 'username-required', text: 'Username is required.', valid: false }];
    render(
      <SettingsForm title="Profile" rules={rules} rulesLabel="Profile rules" onSubmit={onSubmit}>
        <input aria-label="Username" />
        <button type="submit">Save changes</button>
      </SettingsForm>,
    );

    const form = screen.getByRole('form', { name: 'Profile' });
    expect(within(form).getByRole('heading', { level: 2, name: 'Profile' })).toBeInTheDocument();
    const list = within(form).getByRole('list', { name: 'Profile rules' });
    expect(within(list).getByText('Username is required.')).toHaveClass('error');
    expect(list.compareDocumentPosition(within(form).getByRole('textbox', { name: 'Username' }))).toBe(
      Node.DOCUMENT_POSITION_FOLLOWING,
    );

    await user.click(within(form).getByRole('button', { name: 'Save changes' }));
    expect(onSubmit).toHaveBeenCalledTimes(1);
  });
});
