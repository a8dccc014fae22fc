import { useRef, useState, type FormEvent } from 'react';

import { useFlash } from '@/components/flash';
import { ApiError, type FieldErrors } from '@/lib/api-client';

export interface SubmitOptions<T> {
  /** Runs after the action succeeded, with what it returned. */
  onSuccess?: (result: T) => void;
  /** A flash message to show after a success. */
  successMessage?: string;
  /**
   * Where a failure's message goes: `notice` keeps it in `error` for the form to show
   * beside its fields (dialogs, single-purpose pages); `flash` shows it as a flash message.
   */
  failure?: 'notice' | 'flash';
}

export interface Submission {
  /** True while the action runs: the submit button shows it and stays disabled. */
  submitting: boolean;
  /** The last failure, when `failure` is `notice`. */
  error: Error | null;
  /** The server's messages per field from the last failure. */
  fieldErrors: FieldErrors;
  /** The form's submit handler; a second submit while one is running is ignored. */
  submit: (event?: FormEvent) => Promise<void>;
}

/** Runs a form's action and keeps what the form shows around it: progress, field errors, messages. */
export function useSubmit<T>(
  action: () => Promise<T>,
  { onSuccess, successMessage, failure = 'notice' }: SubmitOptions<T> = {},
): Submission {
  const { flash } = useFlash();
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  // State is only read on the next render; a double click arrives before that.
  const running = useRef(false);

  const submit = async (event?: FormEvent) => {
    event?.preventDefault();
    if (running.current) return;
    running.current = true;
    setSubmitting(true);
    setError(null);
    setFieldErrors({});
    try {
      const result = await action();
      if (successMessage) flash('success', successMessage);
      onSuccess?.(result);
    } catch (caught) {
      const failed = caught instanceof Error ? caught : new Error(String(caught));
      if (caught instanceof ApiError) setFieldErrors(caught.errors);
      if (failure === 'flash') flash('danger', failed.message);
      else setError(failed);
    } finally {
      running.current = false;
      setSubmitting(false);
    }
  };

  return { submitting, error, fieldErrors, submit };
}
