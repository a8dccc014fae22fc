import type { TextareaHTMLAttributes } from 'react';

import { FieldShell } from './FieldShell';

export interface TextAreaFieldProps extends Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'id' | 'className'> {
  label: string;
  name: string;
  /** Messages from the server for this field. */
  errors?: string[] | undefined;
}

/** A labelled multi-line input, with the server's messages for it as TextField has them. */
export function TextAreaField({ label, name, errors, ...textarea }: TextAreaFieldProps) {
  return (
    <FieldShell label={label} kind="textarea" errors={errors}>
      {(control) => <textarea {...control} name={name} {...textarea} />}
    </FieldShell>
  );
}
