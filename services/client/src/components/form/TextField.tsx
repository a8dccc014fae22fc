import { useId, type InputHTMLAttributes } from 'react';

import '@/styles/forms.scss';

export interface TextFieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'className'> {
  label: string;
  name: string;
  /** Messages from the server for this field. */
  errors?: string[] | undefined;
}

export function TextField({ label, name, errors, ...input }: TextFieldProps) {
  const id = useId();
  const errorId = `${id}-errors`;
  const invalid = Boolean(errors?.length);
  return (
    <div className="field">
      <label className="label" htmlFor={id}>
        {label}
      </label>
      <div className="control">
        <input
          id={id}
          name={name}
          className={`input${invalid ? ' is-danger' : ''}`}
          aria-invalid={invalid || undefined}
          aria-describedby={invalid ? errorId : undefined}
          {...input}
        />
      </div>
      {invalid && (
        <p id={errorId} className="help is-danger">
          {errors?.join(' ')}
        </p>
      )}
    </div>
  );
}
