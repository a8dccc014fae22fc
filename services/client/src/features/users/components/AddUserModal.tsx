import { useState, type ChangeEvent } from 'react';

import { ProfileFields, TextField, useSubmit, ValidationList } from '@/components/form';
import { FormModal } from '@/components/form/FormModal';
import { createUser } from '@/lib/api/users';
import { allValid, checkRules, registerRules, type Field } from '@/lib/validation';

interface AddUserModalProps {
  onClose: () => void;
  onAdded: (message: string) => void;
}

export function AddUserModal({ onClose, onAdded }: AddUserModalProps) {
  const [values, setValues] = useState<Record<Field, string>>({ username: '', email: '', password: '' });
  const submission = useSubmit(() => createUser(values), { onSuccess: ({ message }) => onAdded(message) });
  const results = checkRules(registerRules, values);

  const onChange = (event: ChangeEvent<HTMLInputElement>) =>
    setValues({ ...values, [event.target.name]: event.target.value });

  return (
    <FormModal title="Add User" submitLabel="Add" submission={submission} submitDisabled={!allValid(results)} onClose={onClose}>
      <ValidationList results={results} />
      <ProfileFields values={values} errors={submission.fieldErrors} onChange={onChange} ownAccount={false} />
      <TextField
        label="Password"
        name="password"
        type="password"
        autoComplete="new-password"
        value={values.password}
        onChange={onChange}
        errors={submission.fieldErrors.password}
      />
    </FormModal>
  );
}
