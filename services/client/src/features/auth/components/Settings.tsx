import { useState, type FormEvent } from 'react';

import { useFlash } from '@/components/flash';
import { PageTitle } from '@/components/layout/PageTitle';
import { ProfileFields, TextField, ValidationList } from '@/components/form';
import { Loading } from '@/components/ui/Loading';
import { ApiError, type FieldErrors } from '@/lib/api-client';
import type { User } from '@/lib/api/types';
import { useSession } from '@/lib/session';
import { allValid, checkRules, passwordRule, profileRules, type Rule } from '@/lib/validation';

import { changePassword, updateProfile } from '../api/auth';
import { LoginRequired } from './LoginRequired';

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

function ProfileForm({ user }: { user: User }) {
  const { updateUser } = useSession();
  const { flash } = useFlash();
  const [values, setValues] = useState({ username: user.username, email: user.email ?? '', password: '' });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [saving, setSaving] = useState(false);

  const results = checkRules(profileRules, values);
  const changed = values.username !== user.username || values.email !== (user.email ?? '');

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setSaving(true);
    setErrors({});
    try {
      const changes: { username?: string; email?: string } = {};
      if (values.username !== user.username) changes.username = values.username;
      if (values.email !== user.email) changes.email = values.email;
      updateUser(await updateProfile(user.id, changes));
      flash('success', 'Your details have been saved.');
    } catch (error) {
      if (error instanceof ApiError) setErrors(error.errors);
      flash('danger', messageOf(error));
    } finally {
      setSaving(false);
    }
  };

  return (
    <form className="box" onSubmit={onSubmit} noValidate aria-labelledby="profile-heading">
      <h2 id="profile-heading" className="title is-4">
        Profile
      </h2>
      <ValidationList results={results} label="Profile rules" />
      <ProfileFields
        username={values.username}
        email={values.email}
        errors={errors}
        onChange={(event) => setValues({ ...values, [event.target.name]: event.target.value })}
        ownAccount
      />
      <button
        type="submit"
        className={`button is-primary${saving ? ' is-loading' : ''}`}
        disabled={!allValid(results) || !changed || saving}
      >
        Save changes
      </button>
    </form>
  );
}

const newPasswordRule: Rule<'new_password'> = { ...passwordRule, field: 'new_password' };
const passwordRules: Rule<'current_password' | 'new_password'>[] = [
  { id: 'current-required', field: 'current_password', text: 'Current password is required.', test: (value) => value.length > 0 },
  newPasswordRule,
];

function PasswordForm() {
  const { flash } = useFlash();
  const empty = { current_password: '', new_password: '' };
  const [values, setValues] = useState(empty);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [saving, setSaving] = useState(false);
  const results = checkRules(passwordRules, values);

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setSaving(true);
    setErrors({});
    try {
      await changePassword(values);
      setValues(empty);
      flash('success', 'Your password has been changed.');
    } catch (error) {
      if (error instanceof ApiError) setErrors(error.errors);
      flash('danger', messageOf(error));
    } finally {
      setSaving(false);
    }
  };

  return (
    <form className="box" onSubmit={onSubmit} noValidate aria-labelledby="password-heading">
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
        errors={errors.current_password}
      />
      <TextField
        label="New password"
        name="new_password"
        type="password"
        autoComplete="new-password"
        value={values.new_password}
        onChange={(event) => setValues({ ...values, new_password: event.target.value })}
        errors={errors.new_password}
      />
      <button
        type="submit"
        className={`button is-primary${saving ? ' is-loading' : ''}`}
        disabled={!allValid(results) || saving}
      >
        Change password
      </button>
    </form>
  );
}

export function Settings() {
  const { status, user } = useSession();
  return (
    <div>
      <PageTitle title="Settings" />
      <h1 className="title is-1">Settings</h1>
      <hr />
      {status === 'loading' && <Loading />}
      {status === 'anonymous' && <LoginRequired />}
      {status === 'authenticated' && user && (
        <>
          <ProfileForm key={user.id} user={user} />
          <PasswordForm />
        </>
      )}
    </div>
  );
}
