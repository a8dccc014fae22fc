import { useId, type ReactNode } from 'react';

import '@/styles/forms.scss';

/** What the control inside a FieldShell needs to be labelled and described. */
export interface FieldControl {
  id: string;
  /** The control's class: its Bulma kind, marked as in danger when the field has errors. */
  className: string;
  'aria-invalid': true | undefined;
  'aria-describedby': string | undefined;
}

interface FieldShellProps {
  label: string;
  /** The Bulma class of the control: `input`, `textarea`. */
  kind: string;
  /** Messages from the server for this field. */
  errors?: string[] | undefined;
  /** Renders the control with the attributes that tie it to the label and the messages. */
  children: (control: FieldControl) => ReactNode;
}

/** A field's label, its control and the server's messages for it, tied together by ids. */
export function FieldShell({ label, kind, errors, children }: FieldShellProps) {
  const id = useId();
  const errorId = `${id}-errors`;
  const invalid = Boolean(errors?.length);
  return (
    <div className="field">
      <label className="label" htmlFor={id}>
        {label}
      </label>
      <div className="control">
        {children({
          id,
          className: `${kind}${invalid ? ' is-danger' : ''}`,
          'aria-invalid': invalid || undefined,
          'aria-describedby': invalid ? errorId : undefined,
        })}
      </div>
      {invalid && (
        <p id={errorId} className="help is-danger">
          {errors?.join(' ')}
        </p>
      )}
    </div>
  );
}
