import { useState, type ChangeEvent } from 'react';

import { SubmitButton, TextFields, useSubmit, type FieldDefinition } from '@/components/form';
import { changePassword } from '@/lib/api/auth';
import { allValid, checkRules, currentPasswordRule, passwordRule, type Rule } from '@/lib/validation';

import { SettingsForm } from './SettingsForm';

type PasswordField = 'current_password' | 'new_password';

const passwordRules: Rule<PasswordField>[] = [currentPasswordRule, { ...passwordRule, field: 'new_password' }];

const fields: FieldDefinition<PasswordField>[] = [
  { label: 'Current password', name: 'current_password', type: 'password', autoComplete: 'current-password' },
  { label: 'New password', name: 'new_password', type: 'password', autoComplete: 'new-password' },
];

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

  const onChange = (event: ChangeEvent<HTMLInputElement>) => setValues({ ...values, [event.target.name]: event.target.value });

  return (
    <SettingsForm title="Change password" rules={results} rulesLabel="Password rules" onSubmit={submit}>
      <TextFields fields={fields} values={values} errors={fieldErrors} onChange={onChange} />
      <SubmitButton submitting={submitting} disabled={!allValid(results)}>
        Change password
      </SubmitButton>
    </SettingsForm>
  );
}
