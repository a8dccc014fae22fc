import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';

import { useFlash } from '@/components/flash';
import { PageTitle } from '@/components/layout/PageTitle';
import { TextField, ValidationList } from '@/components/form';
import { ErrorNotice } from '@/components/ui/ErrorNotice';
import { paths } from '@/config/paths';
import { allValid, checkRules, passwordRule } from '@/lib/validation';

import { confirmPasswordReset } from '../api/auth';

export const PASSWORD_RESET_MESSAGE = 'Your password has been reset. Please log in.';

export function ResetPassword() {
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const navigate = useNavigate();
  const { flash } = useFlash();
  const [password, setPassword] = useState('');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const results = checkRules([passwordRule], { username: '', email: '', password });

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setSaving(true);
    setError(null);
    try {
      await confirmPasswordReset({ token, password });
      flash('success', PASSWORD_RESET_MESSAGE);
      navigate(paths.login);
    } catch (caught) {
      setError(caught instanceof Error ? caught : new Error(String(caught)));
      setSaving(false);
    }
  };

  return (
    <div>
      <PageTitle title="Reset Password" />
      <h1 className="title is-1">Reset Password</h1>
      <hr />
      {!token ? (
        <div className="notification is-danger is-light" role="alert">
          This reset link is incomplete. <Link to={paths.forgotPassword}>Ask for a new one</Link>.
        </div>
      ) : (
        <form onSubmit={onSubmit} noValidate>
          {error && <ErrorNotice error={error} />}
          <ValidationList results={results} />
          <TextField
            label="New password"
            name="password"
            type="password"
            autoComplete="new-password"
            required
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
          <button
            type="submit"
            className={`button is-primary${saving ? ' is-loading' : ''}`}
            disabled={!allValid(results) || saving}
          >
            Reset password
          </button>
        </form>
      )}
    </div>
  );
}
