import { useState } from 'react';

import { TextField, useSubmit, ValidationList } from '@/components/form';
import { changePassword } from '@/lib/api/auth';
import { allValid, checkRules, currentPasswordRule, passwordRule, type Rule } from '@/lib/validation';

const passwordRules: Rule<'current_password' | 'new_password'>[] = [currentPasswordRule, { ...passwordRule, field: 'new_password' }];

const empty = { current_password: '', new_password: '' };

/** Changes the signed-in user's password; their other sessions end. */
export function PasswordForm() {
  const [values, setValues] = useState(empty);
  const { submitting, fieldErrors, submit } = useSubmit(() => changePassword(values), {
    onSuccess: () => setValues(empty),
    successMessage: 'Your password has been changed.',
    failure: 'flash',
  });
  const results = checkRules(passwordRules, values);

  return (
    <form className="box" onSubmit={submit} noValidate aria-labelledby="password-heading">
      <h2 id="password-heading" className="title is-4">
        Change password
      </h2>
      <ValidationList results={results} label="Password rules" />
      <TextField
        label="Current password"
        name="current_password"
        type="password"
        autoComplete="current-password"
        value={values.current_password}
        onChange={(event) => setValues({ ...values, current_password: event.target.value })}
        errors={fieldErrors.current_password}
      />
      <TextField
        label="New password"
        name="new_password"
        type="password"
        autoComplete="new-password"
        value={values.new_password}
        onChange={(event) => setValues({ ...values, new_password: event.target.value })}
        errors={fieldErrors.new_password}
      />
      <button
        type="submit"
        className={`button is-primary${submitting ? ' is-loading' : ''}`}
        disabled={!allValid(results) || submitting}
      >
        Change password
      </button>
    </form>
  );
}
