import { render, screen } from '@testing-library/react';

import { TextField } from './TextField';
import { ValidationList } from './ValidationList';

describe('TextField', () => {
  it('labels its input and keeps the given name', () => {
    render(<TextField label="Email" name="email" type="email" defaultValue="" />);
    const input = screen.getByLabelText('Email');
    expect(input).toHaveAttribute('name', 'email');
    expect(input).not.toHaveAttribute('aria-invalid');
  });

  it('shows messages from the server and ties them to the input', () => {
    render(<TextField label="Email" name="email" errors={['Not a valid email address.']} defaultValue="x" />);
    const input = screen.getByLabelText('Email');
    expect(input).toHaveAttribute('aria-invalid', 'true');
    expect(input).toHaveAccessibleDescription('Not a valid email address.');
  });
});

describe('ValidationList', () => {
  it('marks each rule as an error until it is met', () => {
    render(
      <ValidationList
        results={[
          { id: 'a', text: 'Email is required.', valid: true },
          { id: 'b', text: 'Password is required.', valid: false },
        ]}
      />,
    );
    expect(screen.getByRole('list', { name: 'Form rules' })).toHaveClass('validation-list');
    expect(screen.getByText('Email is required.')).toHaveClass('success');
    expect(screen.getByText('Password is required.')).toHaveClass('error');
  });
});
