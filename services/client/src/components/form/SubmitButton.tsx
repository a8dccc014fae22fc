import type { ReactNode } from 'react';

interface SubmitButtonProps {
  /** True while the form's action runs: the button shows it and cannot be pressed again. */
  submitting: boolean;
  /** True while the form cannot be sent yet (a rule is not met, nothing changed). */
  disabled?: boolean;
  /** The id of the form it sends, where the button stands outside that form (a dialog's footer). */
  form?: string;
  /** Red: the form does what cannot be undone. */
  danger?: boolean;
  children: ReactNode;
}

export function SubmitButton({ submitting, disabled = false, form, danger = false, children }: SubmitButtonProps) {
  return (
    <button
      type="submit"
      form={form}
      className={`button ${danger ? 'is-danger' : 'is-primary'}${submitting ? ' is-loading' : ''}`}
      disabled={disabled || submitting}
    >
      {children}
    </button>
  );
}
