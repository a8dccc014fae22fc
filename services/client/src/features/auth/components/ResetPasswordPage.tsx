import { useEffect, useState } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';

import { SubmitButton, TextField, useSubmit, ValidationList, type FieldDefinition } from '@/components/form';
import { Page } from '@/components/layout/Page';
import { ErrorNotice } from '@/components/ui/ErrorNotice';
import { paths } from '@/config/paths';
import { confirmPasswordReset } from '@/lib/api/auth';
import { allValid, checkRules, passwordRule } from '@/lib/validation';

import { forgetResetToken, resetTokenIn, takenResetToken } from '../reset-token';

export const PASSWORD_RESET_MESSAGE = 'Your password has been reset. Please log in.';

const passwordField: FieldDefinition<'password'> = {
  label: 'New password',
  name: 'password',
  type: 'password',
  autoComplete: 'new-password',
  required: true,
};

export function ResetPasswordPage() {
  const location = useLocation();
  const navigate = useNavigate();
  // Taken out of the address bar when the app started; a link followed inside the app
  // still holds it, and loses it here.
  const [token] = useState(() => takenResetToken() ?? resetTokenIn(location) ?? '');
  const tokenInAddressBar = resetTokenIn(location) !== null;
  useEffect(() => {
    if (tokenInAddressBar) void navigate(paths.resetPassword, { replace: true });
  }, [tokenInAddressBar, navigate]);
  const [password, setPassword] = useState('');
  const results = checkRules([passwordRule], { username: '', email: '', password });
  const { submitting, error, submit } = useSubmit(() => confirmPasswordReset({ token, password }), {
    successMessage: PASSWORD_RESET_MESSAGE,
    onSuccess: () => {
      forgetResetToken();
      navigate(paths.login);
    },
  });

  return (
    <Page title="Reset Password">
      {!token ? (
        <div className="notification is-danger is-light" role="alert">
          This reset link is incomplete. <Link to={paths.forgotPassword}>Ask for a new one</Link>.
        </div>
      ) : (
        <form onSubmit={submit} noValidate>
          {error && <ErrorNotice error={error} />}
          <ValidationList results={results} />
          <TextField {...passwordField} value={password} onChange={(event) => setPassword(event.target.value)} />
          <SubmitButton submitting={submitting} disabled={!allValid(results)}>
            Reset password
          </SubmitButton>
        </form>
      )}
    </Page>
  );
}
