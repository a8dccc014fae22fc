import type { ChangeEvent } from 'react';

import type { FieldErrors } from '@/lib/api-client';

import { TextFields, type FieldDefinition } from './TextFields';

type ProfileField = 'username' | 'email' | 'current_password';

interface ProfileFieldsProps {
  values: { username: string; email: string; current_password?: string };
  errors: FieldErrors;
  onChange: (event: ChangeEvent<HTMLInputElement>) => void;
  /** False where an admin edits another account: the browser must not fill in the admin's own details. */
  ownAccount: boolean;
  /**
   * Asks for the signed-in user's password (under the email) while they change their own
   * email: the server refuses that change without it.
   */
  askCurrentPassword?: boolean;
}

const currentPasswordField: FieldDefinition<ProfileField> = {
  label: 'Current password',
  name: 'current_password',
  type: 'password',
  autoComplete: 'current-password',
  required: true,
};

/** The username and email inputs every account form shares (settings, add and edit user). */
export function ProfileFields({ values, errors, onChange, ownAccount, askCurrentPassword = false }: ProfileFieldsProps) {
  const fields: FieldDefinition<ProfileField>[] = [
    { label: 'Username', name: 'username', autoComplete: ownAccount ? 'username' : 'off' },
    { label: 'Email', name: 'email', type: 'email', autoComplete: ownAccount ? 'email' : 'off' },
  ];
  if (askCurrentPassword) fields.push(currentPasswordField);
  const { username, email, current_password = '' } = values;
  return <TextFields fields={fields} values={{ username, email, current_password }} errors={errors} onChange={onChange} />;
}
