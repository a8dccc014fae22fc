import type { ChangeEvent } from 'react';

import type { FieldErrors } from '@/lib/api-client';

import { TextField } from './TextField';

interface ProfileFieldsProps {
  username: string;
  email: string;
  errors: FieldErrors;
  onChange: (event: ChangeEvent<HTMLInputElement>) => void;
  /** False where an admin edits another account: the browser must not fill in the admin's own details. */
  ownAccount: boolean;
  /**
   * The password of the signed-in user, asked for (under the email) while they change their
   * own email: the server refuses that change without it. Undefined: the field is not shown.
   */
  currentPassword?: string | undefined;
}

/** The username and email inputs every account form shares (settings, add and edit user). */
export function ProfileFields({ username, email, errors, onChange, ownAccount, currentPassword }: ProfileFieldsProps) {
  return (
    <>
      <TextField
        label="Username"
        name="username"
        autoComplete={ownAccount ? 'username' : 'off'}
        value={username}
        onChange={onChange}
        errors={errors.username}
      />
      <TextField
        label="Email"
        name="email"
        type="email"
        autoComplete={ownAccount ? 'email' : 'off'}
        value={email}
        onChange={onChange}
        errors={errors.email}
      />
      {currentPassword !== undefined && (
        <TextField
          label="Current password"
          name="current_password"
          type="password"
          autoComplete="current-password"
          required
          value={currentPassword}
          onChange={onChange}
          errors={errors.current_password}
        />
      )}
    </>
  );
}
