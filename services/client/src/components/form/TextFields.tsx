import type { ChangeEvent } from 'react';

import type { FieldErrors } from '@/lib/api-client';

import { TextField, type TextFieldProps } from './TextField';

/** One input of a form, as a list of fields describes it: what it is, not what it holds. */
export type FieldDefinition<Name extends string> = Omit<TextFieldProps, 'value' | 'onChange' | 'errors'> & { name: Name };

interface TextFieldsProps<Name extends string> {
  fields: FieldDefinition<Name>[];
  values: Record<Name, string>;
  errors: FieldErrors;
  /** Called with the input's event: its `name` says which field changed. */
  onChange: (event: ChangeEvent<HTMLInputElement>) => void;
}

/** A TextField for each definition, showing its value and the server's messages for it. */
export function TextFields<Name extends string>({ fields, values, errors, onChange }: TextFieldsProps<Name>) {
  return (
    <>
      {fields.map((field) => (
        <TextField key={field.name} {...field} value={values[field.name]} onChange={onChange} errors={errors[field.name]} />
      ))}
    </>
  );
}
