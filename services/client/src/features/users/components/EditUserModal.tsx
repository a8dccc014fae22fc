import { useState } from 'react';

import { ProfileFields, useSubmit, ValidationList } from '@/components/form';
import { ErrorNotice } from '@/components/ui/ErrorNotice';
import { Modal } from '@/components/ui/Modal';
import type { User, UserUpdate } from '@/lib/api/types';
import { updateUser } from '@/lib/api/users';
import { useSession } from '@/lib/session';
import { allValid, checkRules, currentPasswordRule, profileRules, type Field, type Rule } from '@/lib/validation';

interface EditUserModalProps {
  user: User;
  onClose: () => void;
  onSaved: (user: User) => void;
}

export function EditUserModal({ user, onClose, onSaved }: EditUserModalProps) {
  const { user: signedIn } = useSession();
  const [values, setValues] = useState({
    username: user.username,
    email: user.email ?? '',
    password: '',
    current_password: '',
    active: user.active,
    admin: user.admin ?? false,
  });
  const emailChanges = values.email !== (user.email ?? '');
  // Admins change anyone's email without a password, except their own.
  const needsPassword = emailChanges && signedIn?.id === user.id;
  const rules: Rule<Field | 'current_password'>[] = needsPassword ? [...profileRules, currentPasswordRule] : profileRules;
  const results = checkRules(rules, values);

  const changes: UserUpdate = {};
  if (values.username !== user.username) changes.username = values.username;
  if (emailChanges) changes.email = values.email;
  if (needsPassword) changes.current_password = values.current_password;
  if (values.active !== user.active) changes.active = values.active;
  if (values.admin !== (user.admin ?? false)) changes.admin = values.admin;
  const changed = Object.keys(changes).length > 0;

  const { submitting, error, fieldErrors, submit } = useSubmit(() => updateUser(user.id, changes), { onSuccess: onSaved });

  return (
    <Modal
      title={`Edit ${user.username}`}
      onClose={onClose}
      footer={
        <div className="buttons">
          <button
            type="submit"
            form="edit-user-form"
            className={`button is-primary${submitting ? ' is-loading' : ''}`}
            disabled={!allValid(results) || !changed || submitting}
          >
            Save
          </button>
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
        </div>
      }
    >
      <form id="edit-user-form" onSubmit={submit} noValidate>
        {error && <ErrorNotice error={error} />}
        <ValidationList results={results} />
        <ProfileFields
          username={values.username}
          email={values.email}
          currentPassword={needsPassword ? values.current_password : undefined}
          errors={fieldErrors}
          onChange={(event) => setValues({ ...values, [event.target.name]: event.target.value })}
          ownAccount={false}
        />
        <div className="field">
          <label className="checkbox">
            <input
              type="checkbox"
              name="active"
              checked={values.active}
              onChange={(event) => setValues({ ...values, active: event.target.checked })}
            />{' '}
            Active
          </label>
        </div>
        <div className="field">
          <label className="checkbox">
            <input
              type="checkbox"
              name="admin"
              checked={values.admin}
              onChange={(event) => setValues({ ...values, admin: event.target.checked })}
            />{' '}
            Admin
          </label>
        </div>
      </form>
    </Modal>
  );
}
