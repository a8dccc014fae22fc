import { useState, type ChangeEvent } from 'react';

import { CheckboxField, ProfileFields, useSubmit, ValidationList } from '@/components/form';
import { FormModal } from '@/components/form/FormModal';
import type { User, UserUpdate } from '@/lib/api/types';
import { updateUser } from '@/lib/api/users';
import { useSession } from '@/lib/session';
import { allValid, checkRules, currentPasswordRule, profileRules, type Field, type Rule } from '@/lib/validation';

interface EditUserModalProps {
  user: User;
  onClose: () => void;
  /** `pending`: the server's message when an own new email waits for the link mailed to it. */
  onSaved: (user: User, pending: string | null) => void;
}

export function EditUserModal({ user, onClose, onSaved }: EditUserModalProps) {
  const { user: signedIn } = useSession();
  const [values, setValues] = useState({
    username: user.username,
    email: user.email ?? '',
    password: '',
    current_password: '',
    active: user.active,
    admin: user.admin ?? false,
  });
  const emailChanges = values.email !== (user.email ?? '');
  // Admins change anyone's email without a password, except their own.
  const needsPassword = emailChanges && signedIn?.id === user.id;
  const rules: Rule<Field | 'current_password'>[] = needsPassword ? [...profileRules, currentPasswordRule] : profileRules;
  const results = checkRules(rules, values);

  const changes: UserUpdate = {};
  if (values.username !== user.username) changes.username = values.username;
  if (emailChanges) changes.email = values.email;
  if (needsPassword) changes.current_password = values.current_password;
  if (values.active !== user.active) changes.active = values.active;
  if (values.admin !== (user.admin ?? false)) changes.admin = values.admin;
  const changed = Object.keys(changes).length > 0;

  const submission = useSubmit(() => updateUser(user.id, changes), {
    onSuccess: ({ user: saved, message }) =>
      onSaved(saved, changes.email !== undefined && saved.email !== changes.email ? message : null),
  });

  const onChange = (event: ChangeEvent<HTMLInputElement>) => setValues({ ...values, [event.target.name]: event.target.value });

  return (
    <FormModal
      title={`Edit ${user.username}`}
      submitLabel="Save"
      submission={submission}
      submitDisabled={!allValid(results) || !changed}
      onClose={onClose}
    >
      <ValidationList results={results} />
      <ProfileFields
        values={values}
        askCurrentPassword={needsPassword}
        errors={submission.fieldErrors}
        onChange={onChange}
        ownAccount={false}
      />
      <CheckboxField
        label="Active"
        name="active"
        checked={values.active}
        onChange={(active) => setValues({ ...values, active })}
      />
      <CheckboxField
        label="Admin"
        name="admin"
        checked={values.admin}
        onChange={(admin) => setValues({ ...values, admin })}
      />
    </FormModal>
  );
}
