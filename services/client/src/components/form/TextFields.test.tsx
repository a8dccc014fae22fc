import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';

import { TextFields, type FieldDefinition } from './TextFields';

type Name = 'email' | 'password';

const fields: FieldDefinition<Name>[] = [
  { label: 'Email', name: 'email', type: 'email', autoComplete: 'email', required: true },
  { label: 'Password', name: 'password', type: 'password', autoComplete: 'current-password' },
];

function Harness() {
  const [values, setValues] = useState<Record<Name, string>>({ email: 'a@example.org', password: '' });
  return (
    <form aria-label="Example">
      <TextFields
        fields={fields}
        values={values}
        errors={{ password: ['Password is too short.'] }}
        onChange={(event) => setValues({ ...values, [event.target.name]: event.target.value })}
      />
      <output>{JSON.stringify(values)}</output>
    </form>
  );
}

describe('TextFields', () => {
  it('renders one labelled input per definition, in order, with its attributes and value', () => {
    const { container } = render(<Harness />);

    expect([...container.querySelectorAll('input')].map((input) => input.name)).toEqual(['email', 'password']);
    expect(screen.getByLabelText('Email')).toHaveAttribute('type', 'email');
    expect(screen.getByLabelText('Email')).toHaveAttribute('autocomplete', 'email');
    expect(screen.getByLabelText('Email')).toBeRequired();
    expect(screen.getByLabelText('Email')).toHaveValue('a@example.org');
    expect(screen.getByLabelText('Password')).toHaveAttribute('type', 'password');
    expect(screen.getByLabelText('Password')).not.toBeRequired();
  });

  it("ties each field to the server's messages for it, and reports changes by the input's name", async () => {
    const user = userEvent.setup();
    render(<Harness />);

    expect(screen.getByLabelText('Password')).toHaveAccessibleDescription('Password is too short.');
    expect(screen.getByLabelText('Email')).not.toHaveAttribute('aria-invalid');

    await user.type(screen.getByLabelText('Password'), 'secret');
    expect(screen.getByRole('status')).toHaveTextContent('{"email":"a@example.org","password":"secret"}');
  });
});
