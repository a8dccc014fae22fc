import { useState, type ChangeEvent } from 'react';
import { Link, Navigate, useNavigate } from 'react-router';

import { TextField, useSubmit, ValidationList } from '@/components/form';
import { PageTitle } from '@/components/layout/PageTitle';
import { paths } from '@/config/paths';
import { useSession } from '@/lib/session';
import { allValid, checkRules, loginRules, registerRules, type Field } from '@/lib/validation';

export type AuthMode = 'register' | 'login';

const copy = {
  register: { title: 'Register', rules: registerRules },
  login: { title: 'Log In', rules: loginRules },
} as const;

/**
 * The register and log-in forms: the same fields, each with its own live rules.
 * A signed-in user has nothing to do here and goes home.
 */
export function AuthForm({ mode }: { mode: AuthMode }) {
  const { title, rules } = copy[mode];
  const session = useSession();
  const navigate = useNavigate();
  const [values, setValues] = useState<Record<Field, string>>({ username: '', email: '', password: '' });
  const { submitting, fieldErrors, submit } = useSubmit(
    () => (mode === 'register' ? session.register(values) : session.login(values)),
    { successMessage: 'Welcome!', onSuccess: () => navigate(paths.home), failure: 'flash' },
  );

  const results = checkRules(rules, values);
  const valid = allValid(results);

  const onChange = (event: ChangeEvent<HTMLInputElement>) => {
    const { name, value } = event.target;
    setValues((previous) => ({ ...previous, [name]: value }));
  };

  if (session.isAuthenticated) return <Navigate to={paths.home} replace />;

  return (
    <div>
      <PageTitle title={title} />
      <h1 className="title is-1">{title}</h1>
      <hr />
      <ValidationList results={results} />
      <form onSubmit={submit} noValidate>
        {mode === 'register' && (
          <TextField
            label="Username"
            name="username"
            type="text"
            placeholder="Enter a username"
            autoComplete="username"
            required
            value={values.username}
            onChange={onChange}
            errors={fieldErrors.username}
          />
        )}
        <TextField
          label="Email"
          name="email"
          type="email"
          placeholder="Enter an email address"
          autoComplete="email"
          required
          value={values.email}
          onChange={onChange}
          errors={fieldErrors.email}
        />
        <TextField
          label="Password"
          name="password"
          type="password"
          placeholder="Enter a password"
          autoComplete={mode === 'register' ? 'new-password' : 'current-password'}
          required
          value={values.password}
          onChange={onChange}
          errors={fieldErrors.password}
        />
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
    </div>
  );
}

