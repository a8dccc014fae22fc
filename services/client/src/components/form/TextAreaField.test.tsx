import { render, screen } from '@testing-library/react';

import { TextAreaField } from './TextAreaField';

describe('TextAreaField', () => {
  it('labels its text area and keeps the given name', () => {
    render(<TextAreaField label="Description" name="description" defaultValue="" />);
    const textarea = screen.getByRole('textbox', { name: 'Description' });
    expect(textarea.tagName).toBe('TEXTAREA');
    expect(textarea).toHaveAttribute('name', 'description');
    expect(textarea).toHaveClass('textarea');
    expect(textarea).not.toHaveAttribute('aria-invalid');
  });

  it('shows messages from the server and ties them to the text area', () => {
    render(<TextAreaField label="Description" name="description" errors={['Longer than 2000 characters.']} defaultValue="x" />);
    const textarea = screen.getByLabelText('Description');
    expect(textarea).toHaveAttribute('aria-invalid', 'true');
    expect(textarea).toHaveClass('is-danger');
    expect(textarea).toHaveAccessibleDescription('Longer than 2000 characters.');
  });
});
