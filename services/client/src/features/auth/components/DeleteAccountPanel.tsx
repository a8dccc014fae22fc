import { useId, useState } from 'react';
import { useNavigate } from 'react-router';

import { useFlash } from '@/components/flash';
import { CurrentPasswordField, useSubmit } from '@/components/form';
import { FormModal } from '@/components/form/FormModal';
import { paths } from '@/config/paths';
import { deleteAccount } from '@/lib/api/auth';
import type { AccountDelete } from '@/lib/api/types';
import { useSession } from '@/lib/session';

import { CodeField } from './CodeField';

/**
 * The danger zone of the settings: deleting one's own account, after a dialog that asks for
 * the password (and a code when two-factor login is on). Then signed out, on the home page.
 */
export function DeleteAccountPanel() {
  const { user } = useSession();
  const headingId = useId();
  const [open, setOpen] = useState(false);
  if (!user) return null;
  return (
    <section className="box has-background-danger-light" aria-labelledby={headingId}>
      <h2 id={headingId} className="title is-4 has-text-danger-dark">
        Delete account
      </h2>
      <p className="mb-4">
        Deleting your account signs you out everywhere and removes your items. It cannot be undone.
      </p>
      <button type="button" className="button is-danger" onClick={() => setOpen(true)}>
        Delete my account…
      </button>
      {open && <DeleteAccountModal needsCode={user.two_factor_enabled === true} onClose={() => setOpen(false)} />}
    </section>
  );
}

function DeleteAccountModal({ needsCode, onClose }: { needsCode: boolean; onClose: () => void }) {
  const { logout } = useSession();
  const { flash } = useFlash();
  const navigate = useNavigate();
  const [values, setValues] = useState({ password: '', code: '' });
  const body: AccountDelete = needsCode ? { password: values.password, code: values.code.trim() } : { password: values.password };
  const submission = useSubmit(() => deleteAccount(body), {
    onSuccess: (message) => {
      void logout().then(() => {
        void navigate(paths.home);
        flash('success', message);
      });
    },
  });
  const ready = values.password !== '' && (!needsCode || values.code.trim() !== '');
  return (
    <FormModal
      title="Delete your account?"
      submitLabel="Delete account"
      submission={submission}
      submitDisabled={!ready}
      onClose={onClose}
      danger
    >
      <p className="mb-4">
        Your account and your items are deleted for good, and you are signed out everywhere. Enter your password to
        confirm.
      </p>
      <CurrentPasswordField
        label="Password"
        value={values.password}
        onChange={(password) => setValues({ ...values, password })}
        errors={submission.fieldErrors.password}
      />
      {needsCode && (
        <CodeField
          kind="either"
          label="Two-factor code"
          value={values.code}
          onChange={(code) => setValues({ ...values, code })}
          errors={submission.fieldErrors.code}
        />
      )}
    </FormModal>
  );
}
