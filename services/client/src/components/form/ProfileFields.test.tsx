import { render, screen } from '@testing-library/react';

import { ProfileFields } from './ProfileFields';

const values = { username: 'michael', email: 'michael@herman.org', current_password: '' };

describe('ProfileFields', () => {
  it("lets the browser fill in the user's own details", () => {
    render(<ProfileFields values={values} errors={{}} onChange={() => {}} ownAccount />);
    expect(screen.getByLabelText('Username')).toHaveAttribute('autocomplete', 'username');
    expect(screen.getByLabelText('Email')).toHaveAttribute('autocomplete', 'email');
    expect(screen.getByLabelText('Email')).toHaveValue('michael@herman.org');
  });

  it("keeps the browser from filling in the admin's details on another account", () => {
    render(<ProfileFields values={values} errors={{}} onChange={() => {}} ownAccount={false} />);
    expect(screen.getByLabelText('Username')).toHaveAttribute('autocomplete', 'off');
    expect(screen.getByLabelText('Email')).toHaveAttribute('autocomplete', 'off');
  });

  it('asks for the current password under the email only when told to', () => {
    const { rerender } = render(<ProfileFields values={values} errors={{}} onChange={() => {}} ownAccount />);
    expect(screen.queryByLabelText('Current password')).not.toBeInTheDocument();

    rerender(<ProfileFields values={values} errors={{}} onChange={() => {}} ownAccount askCurrentPassword />);
    const password = screen.getByLabelText('Current password');
    expect(password).toBeRequired();
    expect(password).toHaveAttribute('type', 'password');
    expect(screen.getByLabelText('Email').compareDocumentPosition(password)).toBe(Node.DOCUMENT_POSITION_FOLLOWING);
  });
});
