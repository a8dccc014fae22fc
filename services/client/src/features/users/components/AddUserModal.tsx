import { useState, type ChangeEvent } from 'react';

import { ProfileFields, TextField, useSubmit, ValidationList } from '@/components/form';
import { ErrorNotice } from '@/components/ui/ErrorNotice';
import { Modal } from '@/components/ui/Modal';
import { createUser } from '@/lib/api/users';
import { allValid, checkRules, registerRules, type Field } from '@/lib/validation';

interface AddUserModalProps {
  onClose: () => void;
  onAdded: (message: string) => void;
}

export function AddUserModal({ onClose, onAdded }: AddUserModalProps) {
  const [values, setValues] = useState<Record<Field, string>>({ username: '', email: '', password: '' });
  const { submitting, error, fieldErrors, submit } = useSubmit(() => createUser(values), {
    onSuccess: ({ message }) => onAdded(message),
  });
  const results = checkRules(registerRules, values);

  const onChange = (event: ChangeEvent<HTMLInputElement>) =>
    setValues({ ...values, [event.target.name]: event.target.value });

  return (
    <Modal
      title="Add User"
      onClose={onClose}
      footer={
        <div className="buttons">
          <button
            type="submit"
            form="add-user-form"
            className={`button is-primary${submitting ? ' is-loading' : ''}`}
            disabled={!allValid(results) || submitting}
          >
            Add
          </button>
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
        </div>
      }
    >
      <form id="add-user-form" onSubmit={submit} noValidate>
        {error && <ErrorNotice error={error} />}
        <ValidationList results={results} />
        <ProfileFields
          username={values.username}
          email={values.email}
          errors={fieldErrors}
          onChange={onChange}
          ownAccount={false}
        />
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          value={values.password}
          onChange={onChange}
          errors={fieldErrors.password}
        />
      </form>
    </Modal>
  );
}
