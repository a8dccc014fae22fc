import { useState } from 'react';
import { Link } from 'react-router';

import { SubmitButton, TextField, useSubmit, type FieldDefinition } from '@/components/form';
import { Page } from '@/components/layout/Page';
import { ErrorNotice } from '@/components/ui/ErrorNotice';
import { paths } from '@/config/paths';
import { requestPasswordReset } from '@/lib/api/auth';
import { ApiError } from '@/lib/api-client';
import { isEmail } from '@/lib/validation';

export const RESET_REQUESTED_MESSAGE =
  'If an account exists for that email address, we have sent a link to reset its password. The link is valid for one hour.';

const emailField: FieldDefinition<'email'> = {
  label: 'Email',
  name: 'email',
  type: 'email',
  autoComplete: 'email',
  required: true,
};

/** Rate limits, outages and lost connections say nothing about the account: only those are shown. */
const saysNothingAboutTheAccount = (error: unknown) =>
  !(error instanceof ApiError) || error.status >= 500 || error.status === 429 || error.status === 0;

async function requestReset(email: string): Promise<void> {
  try {
    await requestPasswordReset(email);
  } catch (error) {
    if (saysNothingAboutTheAccount(error)) throw error;
  }
}

export function ForgotPasswordPage() {
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState(false);
  const { submitting, error, submit } = useSubmit(() => requestReset(email), { onSuccess: () => setSent(true) });

  return (
    <Page title="Forgot Password">
      {sent ? (
        <>
          <div className="notification is-info is-light" role="status">
            {RESET_REQUESTED_MESSAGE}
          </div>
          <p>
            <Link to={paths.login}>Back to log in</Link>
          </p>
        </>
      ) : (
        <form onSubmit={submit} noValidate>
          <p className="mb-4">Enter the email address of your account and we will send you a link to choose a new password.</p>
          {error && <ErrorNotice error={error} />}
          <TextField {...emailField} value={email} onChange={(event) => setEmail(event.target.value)} />
          <SubmitButton submitting={submitting} disabled={!isEmail(email)}>
            Send reset link
          </SubmitButton>
        </form>
      )}
    </Page>
  );
}
