import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';

import { PageTitle } from '@/components/layout/PageTitle';
import { TextField } from '@/components/form';
import { ErrorNotice } from '@/components/ui/ErrorNotice';
import { paths } from '@/config/paths';
import { ApiError } from '@/lib/api-client';
import { isEmail } from '@/lib/validation';

import { requestPasswordReset } from '../api/auth';

export const RESET_REQUESTED_MESSAGE =
  'If an account exists for that email address, we have sent a link to reset its password. The link is valid for one hour.';

export function ForgotPassword() {
  const [email, setEmail] = useState('');
  const [state, setState] = useState<'idle' | 'sending' | 'sent'>('idle');
  const [error, setError] = useState<Error | null>(null);

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setState('sending');
    setError(null);
    try {
      await requestPasswordReset(email);
      setState('sent');
    } catch (caught) {
      // Only failures that say nothing about the account (rate limits, outages) are shown.
      if (caught instanceof ApiError && caught.status < 500 && caught.status !== 429 && caught.status !== 0) {
        setState('sent');
        return;
      }
      setError(caught instanceof Error ? caught : new Error(String(caught)));
      setState('idle');
    }
  };

  return (
    <div>
      <PageTitle title="Forgot Password" />
      <h1 className="title is-1">Forgot Password</h1>
      <hr />
      {state === 'sent' ? (
        <>
          <div className="notification is-info is-light" role="status">
            {RESET_REQUESTED_MESSAGE}
          </div>
          <p>
            <Link to={paths.login}>Back to log in</Link>
          </p>
        </>
      ) : (
        <form onSubmit={onSubmit} noValidate>
          <p className="mb-4">Enter the email address of your account and we will send you a link to choose a new password.</p>
          {error && <ErrorNotice error={error} />}
          <TextField
            label="Email"
            name="email"
            type="email"
            autoComplete="email"
            required
            value={email}
            onChange={(event) => setEmail(event.target.value)}
          />
          <button
            type="submit"
            className={`button is-primary${state === 'sending' ? ' is-loading' : ''}`}
            disabled={!isEmail(email) || state === 'sending'}
          >
            Send reset link
          </button>
        </form>
      )}
    </div>
  );
}
