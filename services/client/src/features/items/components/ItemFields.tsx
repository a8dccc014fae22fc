import type { ChangeEvent } from 'react';

import { TextAreaField, TextField } from '@/components/form';
import type { FieldErrors } from '@/lib/api-client';
import type { ItemField } from '@/lib/validation';

interface ItemFieldsProps {
  values: Record<ItemField, string>;
  errors: FieldErrors;
  onChange: (event: ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => void;
}

/** The title and description inputs of the add and edit forms. */
export function ItemFields({ values, errors, onChange }: ItemFieldsProps) {
  return (
    <>
      <TextField label="Title" name="title" autoComplete="off" value={values.title} onChange={onChange} errors={errors.title} />
      <TextAreaField
        label="Description"
        name="description"
        rows={5}
        value={values.description}
        onChange={onChange}
        errors={errors.description}
      />
    </>
  );
}
