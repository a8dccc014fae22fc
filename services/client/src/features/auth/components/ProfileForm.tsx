import { useState, type ChangeEvent } from 'react';

import { ProfileFields, SubmitButton, useSubmit } from '@/components/form';
import type { User, UserUpdate } from '@/lib/api/types';
import { updateUser } from '@/lib/api/users';
import { useSession } from '@/lib/session';
import { allValid, checkRules, currentPasswordRule, profileRules, type Field, type Rule } from '@/lib/validation';

import { SettingsForm } from './SettingsForm';

/** The signed-in user's own username and email; a new email needs their current password. */
export function ProfileForm({ user }: { user: User }) {
  const { setCurrentUser } = useSession();
  const [values, setValues] = useState({
    username: user.username,
    email: user.email ?? '',
    password: '',
    current_password: '',
  });

  const emailChanges = values.email !== (user.email ?? '');
  const changes: Pick<UserUpdate, 'username' | 'email' | 'current_password'> = {};
  if (values.username !== user.username) changes.username = values.username;
  if (emailChanges) {
    changes.email = values.email;
    changes.current_password = values.current_password;
  }
  const changed = Object.keys(changes).length > 0;

  const { submitting, fieldErrors, submit } = useSubmit(() => updateUser(user.id, changes), {
    onSuccess: (updated) => {
      setCurrentUser(updated);
      setValues((current) => ({ ...current, current_password: '' }));
    },
    successMessage: 'Your details have been saved.',
    failure: 'flash',
  });
  const rules: Rule<Field | 'current_password'>[] = emailChanges ? [...profileRules, currentPasswordRule] : profileRules;
  const results = checkRules(rules, values);

  const onChange = (event: ChangeEvent<HTMLInputElement>) => setValues({ ...values, [event.target.name]: event.target.value });

  return (
    <SettingsForm title="Profile" rules={results} rulesLabel="Profile rules" onSubmit={submit}>
      <ProfileFields values={values} askCurrentPassword={emailChanges} errors={fieldErrors} onChange={onChange} ownAccount />
      <SubmitButton submitting={submitting} disabled={!allValid(results) || !changed}>
        Save changes
      </SubmitButton>
    </SettingsForm>
  );
}
