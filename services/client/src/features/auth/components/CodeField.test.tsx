import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { CodeField } from './CodeField';

describe('CodeField', () => {
  it("takes the app's 6 digits under the name code", () => {
    render(<CodeField kind="app" label="Code" value="" onChange={() => {}} errors={['Wrong code.']} />);
    const box = screen.getByRole('textbox', { name: 'Code' });
    expect(box).toHaveAttribute('name', 'code');
    expect(box).toHaveAttribute('inputmode', 'numeric');
    expect(box).toHaveAttribute('maxlength', '6');
    expect(box).toHaveAttribute('autocomplete', 'one-time-code');
    expect(box).toHaveAccessibleDescription('Wrong code.');
  });

  it('takes a recovery code under its own name, and either kind without a length', () => {
    const { rerender } = render(<CodeField kind="recovery" label="Recovery code" value="" onChange={() => {}} />);
    const recovery = screen.getByRole('textbox', { name: 'Recovery code' });
    expect(recovery).toHaveAttribute('name', 'recovery_code');
    expect(recovery).toHaveAttribute('autocomplete', 'off');

    rerender(<CodeField kind="either" label="Any code" value="" onChange={() => {}} />);
    const either = screen.getByRole('textbox', { name: 'Any code' });
    expect(either).toHaveAttribute('name', 'code');
    expect(either).not.toHaveAttribute('maxlength');
    expect(either).not.toHaveAttribute('inputmode');
  });

  it('hands on what is typed', async () => {
    const onChange = vi.fn();
    render(<CodeField kind="either" label="Code" value="" onChange={onChange} />);
    await userEvent.setup().type(screen.getByRole('textbox', { name: 'Code' }), '1');
    expect(onChange).toHaveBeenCalledWith('1');
  });
});
