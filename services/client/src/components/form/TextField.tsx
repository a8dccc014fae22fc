import type { InputHTMLAttributes } from 'react';

import { FieldShell } from './FieldShell';

export interface TextFieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'className'> {
  label: string;
  name: string;
  /** Messages from the server for this field. */
  errors?: string[] | undefined;
}

export function TextField({ label, name, errors, ...input }: TextFieldProps) {
  return (
    <FieldShell label={label} kind="input" errors={errors}>
      {(control) => <input {...control} name={name} {...input} />}
    </FieldShell>
  );
}
