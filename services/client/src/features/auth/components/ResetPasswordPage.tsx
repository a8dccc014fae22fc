import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';

import { TextField, useSubmit, ValidationList } from '@/components/form';
import { PageTitle } from '@/components/layout/PageTitle';
import { ErrorNotice } from '@/components/ui/ErrorNotice';
import { paths } from '@/config/paths';
import { confirmPasswordReset } from '@/lib/api/auth';
import { allValid, checkRules, passwordRule } from '@/lib/validation';

export const PASSWORD_RESET_MESSAGE = 'Your password has been reset. Please log in.';

export function ResetPasswordPage() {
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const navigate = useNavigate();
  const [password, setPassword] = useState('');
  const results = checkRules([passwordRule], { username: '', email: '', password });
  const { submitting, error, submit } = useSubmit(() => confirmPasswordReset({ token, password }), {
    successMessage: PASSWORD_RESET_MESSAGE,
    onSuccess: () => navigate(paths.login),
  });

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
        <form onSubmit={submit} noValidate>
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
            className={`button is-primary${submitting ? ' is-loading' : ''}`}
            disabled={!allValid(results) || submitting}
          >
            Reset password
          </button>
        </form>
      )}
    </div>
  );
}
