import { useState, type ChangeEvent } from 'react';
import { Link, Navigate, useNavigate } from 'react-router';

import { useFlash } from '@/components/flash';
import { TextFields, useSubmit, ValidationList, type FieldDefinition } from '@/components/form';
import { Page } from '@/components/layout/Page';
import { paths } from '@/config/paths';
import { useSession } from '@/lib/session';
import { allValid, checkRules, loginRules, registerRules, type Field, type Rule } from '@/lib/validation';

import { SecondFactorForm } from './SecondFactorForm';

export type AuthMode = 'register' | 'login';

const usernameField: FieldDefinition<Field> = {
  label: 'Username',
  name: 'username',
  type: 'text',
  placeholder: 'Enter a username',
  autoComplete: 'username',
  required: true,
};
const emailField: FieldDefinition<Field> = {
  label: 'Email',
  name: 'email',
  type: 'email',
  placeholder: 'Enter an email address',
  autoComplete: 'email',
  required: true,
};
const passwordField: FieldDefinition<Field> = {
  label: 'Password',
  name: 'password',
  type: 'password',
  placeholder: 'Enter a password',
  required: true,
};

const forms: Record<AuthMode, { title: string; rules: Rule[]; fields: FieldDefinition<Field>[] }> = {
  register: {
    title: 'Register',
    rules: registerRules,
    fields: [usernameField, emailField, { ...passwordField, autoComplete: 'new-password' }],
  },
  login: {
    title: 'Log In',
    rules: loginRules,
    fields: [emailField, { ...passwordField, autoComplete: 'current-password' }],
  },
};

/**
 * The register and log-in forms: the same fields, each with its own live rules.
 * A signed-in user has nothing to do here and goes home.
 */
export function AuthForm({ mode }: { mode: AuthMode }) {
  const { title, rules, fields } = forms[mode];
  const session = useSession();
  const navigate = useNavigate();
  const { flash } = useFlash();
  const [values, setValues] = useState<Record<Field, string>>({ username: '', email: '', password: '' });
  // Set when the password was right and two-factor login asks for a code next.
  const [mfaToken, setMfaToken] = useState<string | null>(null);
  const { submitting, fieldErrors, submit } = useSubmit(
    async () => (mode === 'register' ? { verifyFirst: await session.register(values) } : session.login(values)),
    {
      onSuccess: (outcome) => {
        if (outcome && 'mfaToken' in outcome) {
          setMfaToken(outcome.mfaToken);
          return;
        }
        if (outcome?.verifyFirst) {
          flash('success', outcome.verifyFirst);
          navigate(paths.login);
          return;
        }
        flash('success', 'Welcome!');
        navigate(paths.home);
      },
      failure: 'flash',
    },
  );

  const results = checkRules(rules, values);
  const valid = allValid(results);

  const onChange = (event: ChangeEvent<HTMLInputElement>) => {
    const { name, value } = event.target;
    setValues((previous) => ({ ...previous, [name]: value }));
  };

  if (session.isAuthenticated) return <Navigate to={paths.home} replace />;

  if (mfaToken) {
    return (
      <Page title={title}>
        <SecondFactorForm
          mfaToken={mfaToken}
          onRestart={() => {
            setMfaToken(null);
            setValues((previous) => ({ ...previous, password: '' }));
          }}
        />
      </Page>
    );
  }

  return (
    <Page title={title}>
      <ValidationList results={results} />
      <form onSubmit={submit} noValidate>
        <TextFields fields={fields} values={values} errors={fieldErrors} onChange={onChange} />
        <input
          type="submit"
          className={`button is-primary is-medium is-fullwidth${submitting ? ' is-loading' : ''}`}
          value="Submit"
          disabled={!valid || submitting}
        />
      </form>
      <p className="mt-4">
        {mode === 'login' ? (
          <>
            New here? <Link to={paths.register}>Create an account</Link>. Forgot your password?{' '}
            <Link to={paths.forgotPassword}>Reset it</Link>.
          </>
        ) : (
          <>
            Already have an account? <Link to={paths.login}>Log in</Link>.
          </>
        )}
      </p>
    </Page>
  );
}

