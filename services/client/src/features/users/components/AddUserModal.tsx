import { useState, type ChangeEvent, type FormEvent } from 'react';

import { ProfileFields, TextField, ValidationList } from '@/components/form';
import { ErrorNotice } from '@/components/ui/ErrorNotice';
import { Modal } from '@/components/ui/Modal';
import { ApiError, type FieldErrors } from '@/lib/api-client';
import { allValid, checkRules, registerRules, type Field } from '@/lib/validation';

import { createUser } from '../api/users';

interface AddUserModalProps {
  onClose: () => void;
  onAdded: (message: string) => void;
}

export function AddUserModal({ onClose, onAdded }: AddUserModalProps) {
  const [values, setValues] = useState<Record<Field, string>>({ username: '', email: '', password: '' });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<Error | null>(null);
  const [saving, setSaving] = useState(false);
  const results = checkRules(registerRules, values);

  const onChange = (event: ChangeEvent<HTMLInputElement>) =>
    setValues({ ...values, [event.target.name]: event.target.value });

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setSaving(true);
    setError(null);
    setErrors({});
    try {
      const { message } = await createUser(values);
      onAdded(message);
    } catch (caught) {
      if (caught instanceof ApiError) setErrors(caught.errors);
      setError(caught instanceof Error ? caught : new Error(String(caught)));
      setSaving(false);
    }
  };

  return (
    <Modal
      title="Add User"
      onClose={onClose}
      footer={
        <div className="buttons">
          <button
            type="submit"
            form="add-user-form"
            className={`button is-primary${saving ? ' is-loading' : ''}`}
            disabled={!allValid(results) || saving}
          >
            Add
          </button>
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
        </div>
      }
    >
      <form id="add-user-form" onSubmit={onSubmit} noValidate>
        {error && <ErrorNotice error={error} />}
        <ValidationList results={results} />
        <ProfileFields
          username={values.username}
          email={values.email}
          errors={errors}
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
          errors={errors.password}
        />
      </form>
    </Modal>
  );
}
