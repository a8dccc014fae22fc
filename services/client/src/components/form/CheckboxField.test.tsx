import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { CheckboxField } from './CheckboxField';

describe('CheckboxField', () => {
  it('is labelled, keeps its name, and reports the new state when clicked', async () => {
    const user = userEvent.setup();
    const onChange = vi.fn();
    render(<CheckboxField label="Active" name="active" checked onChange={onChange} />);

    const checkbox = screen.getByRole('checkbox', { name: 'Active' });
    expect(checkbox).toBeChecked();
    expect(checkbox).toHaveAttribute('name', 'active');

    await user.click(checkbox);
    expect(onChange).toHaveBeenCalledWith(false);
  });
});
