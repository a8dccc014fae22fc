import { useState } from 'react';

import { ProfileFields, useSubmit, ValidationList } from '@/components/form';
import type { User, UserUpdate } from '@/lib/api/types';
import { updateUser } from '@/lib/api/users';
import { useSession } from '@/lib/session';
import { allValid, checkRules, currentPasswordRule, profileRules, type Field, type Rule } from '@/lib/validation';

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

  return (
    <form className="box" onSubmit={submit} noValidate aria-labelledby="profile-heading">
      <h2 id="profile-heading" className="title is-4">
        Profile
      </h2>
      <ValidationList results={results} label="Profile rules" />
      <ProfileFields
        username={values.username}
        email={values.email}
        currentPassword={emailChanges ? values.current_password : undefined}
        errors={fieldErrors}
        onChange={(event) => setValues({ ...values, [event.target.name]: event.target.value })}
        ownAccount
      />
      <button
        type="submit"
        className={`button is-primary${submitting ? ' is-loading' : ''}`}
        disabled={!allValid(results) || !changed || submitting}
      >
        Save changes
      </button>
    </form>
  );
}
