import { useState } from 'react';
import { useNavigate } from 'react-router';

import { SubmitButton, useSubmit } from '@/components/form';
import { paths } from '@/config/paths';
import { useSession } from '@/lib/session';

import { CodeField } from './CodeField';

interface SecondFactorFormProps {
  /** The challenge the password step answered. */
  mfaToken: string;
  /** Back to the password step (an expired or spent challenge needs a new login). */
  onRestart: () => void;
}

/** The second step of a login with two-factor on: a code of the app, or a recovery code. */
export function SecondFactorForm({ mfaToken, onRestart }: SecondFactorFormProps) {
  const session = useSession();
  const navigate = useNavigate();
  const [useRecovery, setUseRecovery] = useState(false);
  const [code, setCode] = useState('');
  const factor = useRecovery ? { recovery_code: code.trim() } : { code: code.trim() };
  const { submitting, fieldErrors, submit } = useSubmit(() => session.verifySecondFactor(mfaToken, factor), {
    successMessage: 'Welcome!',
    onSuccess: () => navigate(paths.home),
    failure: 'flash',
  });

  const switchKind = () => {
    setUseRecovery((previous) => !previous);
    setCode('');
  };

  return (
    <form onSubmit={submit} noValidate aria-label="Two-factor code">
      <p className="mb-4">
        {useRecovery
          ? 'Enter one of your recovery codes. Each one works once.'
          : 'Enter the 6-digit code your authenticator app shows.'}
      </p>
      {useRecovery ? (
        <CodeField
          key="recovery"
          kind="recovery"
          label="Recovery code"
          value={code}
          onChange={setCode}
          errors={fieldErrors.recovery_code}
        />
      ) : (
        <CodeField key="code" kind="app" label="Authentication code" value={code} onChange={setCode} errors={fieldErrors.code} />
      )}
      <div className="buttons">
        <SubmitButton submitting={submitting} disabled={code.trim() === ''}>
          Verify
        </SubmitButton>
        <button type="button" className="button is-text" onClick={switchKind}>
          {useRecovery ? 'Use a code from the app' : 'Use a recovery code'}
        </button>
        <button type="button" className="button is-text" onClick={onRestart}>
          Start over
        </button>
      </div>
    </form>
  );
}
