import { render, screen } from '@testing-library/react';

import { FieldShell } from './FieldShell';

describe('FieldShell', () => {
  it('ties its label to the control and gives the control its kind', () => {
    render(<FieldShell label="Colour" kind="select">{(control) => <select {...control} />}</FieldShell>);
    const control = screen.getByRole('combobox', { name: 'Colour' });
    expect(control).toHaveClass('select');
    expect(control).not.toHaveClass('is-danger');
    expect(control).not.toHaveAttribute('aria-describedby');
  });

  it("marks the control as invalid and described by the server's messages", () => {
    render(
      <FieldShell label="Colour" kind="select" errors={['Not a colour.', 'Required.']}>
        {(control) => <select {...control} />}
      </FieldShell>,
    );
    const control = screen.getByRole('combobox', { name: 'Colour' });
    expect(control).toHaveClass('select', 'is-danger');
    expect(control).toHaveAttribute('aria-invalid', 'true');
    expect(control).toHaveAccessibleDescription('Not a colour. Required.');
  });
});
