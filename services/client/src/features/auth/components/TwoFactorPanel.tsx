import { useId, useState } from 'react';

import { CurrentPasswordField, SubmitButton, useSubmit } from '@/components/form';
import { confirmTwoFactor, disableTwoFactor, startTwoFactorSetup } from '@/lib/api/auth';
import type { TwoFactorSetup } from '@/lib/api/types';
import { useSession } from '@/lib/session';

import { QrCode } from './QrCode';
import { CodeField } from './CodeField';

/**
 * Two-factor login in the settings: set it up (a QR code of the secret, then a code of it),
 * the recovery codes shown once, and turning it off with the password and a code.
 */
export function TwoFactorPanel() {
  const { user, setCurrentUser } = useSession();
  const headingId = useId();
  const [enrolment, setEnrolment] = useState<TwoFactorSetup | null>(null);
  const [recoveryCodes, setRecoveryCodes] = useState<string[] | null>(null);
  if (!user) return null;
  const enabled = user.two_factor_enabled === true;

  const turnedOn = (codes: string[]) => {
    setEnrolment(null);
    setRecoveryCodes(codes);
    setCurrentUser({ ...user, two_factor_enabled: true });
  };

  return (
    <section className="box" aria-labelledby={headingId}>
      <h2 id={headingId} className="title is-4">
        Two-factor login
      </h2>
      {recoveryCodes ? (
        <RecoveryCodes codes={recoveryCodes} onDone={() => setRecoveryCodes(null)} />
      ) : enabled ? (
        <DisableForm onDisabled={() => setCurrentUser({ ...user, two_factor_enabled: false })} />
      ) : enrolment ? (
        <ConfirmForm enrolment={enrolment} onConfirmed={turnedOn} onCancel={() => setEnrolment(null)} />
      ) : (
        <StartSetup onStarted={setEnrolment} />
      )}
    </section>
  );
}

function StartSetup({ onStarted }: { onStarted: (enrolment: TwoFactorSetup) => void }) {
  const { submitting, submit } = useSubmit(startTwoFactorSetup, { onSuccess: onStarted, failure: 'flash' });
  return (
    <form onSubmit={submit} aria-label="Set up two-factor login">
      <p className="mb-4">
        Off. With it on, logging in also needs a code from an authenticator app on your phone.
      </p>
      <SubmitButton submitting={submitting}>Set up two-factor login</SubmitButton>
    </form>
  );
}

interface ConfirmFormProps {
  enrolment: TwoFactorSetup;
  onConfirmed: (codes: string[]) => void;
  onCancel: () => void;
}

function ConfirmForm({ enrolment, onConfirmed, onCancel }: ConfirmFormProps) {
  const [code, setCode] = useState('');
  const { submitting, fieldErrors, submit } = useSubmit(() => confirmTwoFactor(code.trim()), {
    onSuccess: onConfirmed,
    successMessage: 'Two-factor login is on.',
    failure: 'flash',
  });
  return (
    <form onSubmit={submit} noValidate aria-label="Confirm two-factor login">
      <p className="mb-4">Scan this code with your authenticator app, then enter the code the app shows.</p>
      <QrCode text={enrolment.otpauth_uri} label="QR code of your two-factor secret" />
      <p className="mb-4">
        Cannot scan it? Enter this key in the app: <code>{enrolment.secret}</code>
      </p>
      <CodeField kind="app" label="Code from the app" value={code} onChange={setCode} errors={fieldErrors.code} />
      <div className="buttons">
        <SubmitButton submitting={submitting} disabled={code.trim() === ''}>
          Turn on
        </SubmitButton>
        <button type="button" className="button is-text" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function RecoveryCodes({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const listId = useId();
  return (
    <div>
      <p id={listId} className="mb-4">
        Your recovery codes. Each one logs you in once without the app. Keep them somewhere safe:
        they are not shown again.
      </p>
      <ul aria-labelledby={listId} className="mb-4">
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ul>
      <button type="button" className="button" onClick={onDone}>
        I have saved them
      </button>
    </div>
  );
}

function DisableForm({ onDisabled }: { onDisabled: () => void }) {
  const empty = { password: '', code: '' };
  const [values, setValues] = useState(empty);
  const { submitting, fieldErrors, submit } = useSubmit(() => disableTwoFactor(values), {
    onSuccess: () => {
      setValues(empty);
      onDisabled();
    },
    successMessage: 'Two-factor login is off.',
    failure: 'flash',
  });
  return (
    <form onSubmit={submit} noValidate aria-label="Turn off two-factor login">
      <p className="mb-4">On. To turn it off, enter your password and a code from the app (or a recovery code).</p>
      <CurrentPasswordField
        label="Password"
        value={values.password}
        onChange={(password) => setValues({ ...values, password })}
        errors={fieldErrors.password}
      />
      <CodeField
        kind="either"
        label="Code"
        value={values.code}
        onChange={(code) => setValues({ ...values, code })}
        errors={fieldErrors.code}
      />
      <SubmitButton submitting={submitting} disabled={values.password === '' || values.code.trim() === ''}>
        Turn off
      </SubmitButton>
    </form>
  );
}
