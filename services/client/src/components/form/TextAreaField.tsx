import { useId, type TextareaHTMLAttributes } from 'react';

import '@/styles/forms.scss';

export interface TextAreaFieldProps extends Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'id' | 'className'> {
  label: string;
  name: string;
  /** Messages from the server for this field. */
  errors?: string[] | undefined;
}

/** A labelled multi-line input, with the server's messages for it as TextField has them. */
export function TextAreaField({ label, name, errors, ...textarea }: TextAreaFieldProps) {
  const id = useId();
  const errorId = `${id}-errors`;
  const invalid = Boolean(errors?.length);
  return (
    <div className="field">
      <label className="label" htmlFor={id}>
        {label}
      </label>
      <div className="control">
        <textarea
          id={id}
          name={name}
          className={`textarea${invalid ? ' is-danger' : ''}`}
          aria-invalid={invalid || undefined}
          aria-describedby={invalid ? errorId : undefined}
          {...textarea}
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
