import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { CurrentPasswordField } from './CurrentPasswordField';

describe('CurrentPasswordField', () => {
  it('is a required password box that hands on what is typed', async () => {
    const onChange = vi.fn();
    render(<CurrentPasswordField label="Password" value="" onChange={onChange} />);
    const box = screen.getByLabelText('Password');
    expect(box).toHaveAttribute('type', 'password');
    expect(box).toHaveAttribute('autocomplete', 'current-password');
    expect(box).toBeRequired();
    await userEvent.setup().type(box, 'x');
    expect(onChange).toHaveBeenCalledWith('x');
  });
});
