import { useId, type ReactNode } from 'react';

import { ErrorNotice } from '@/components/ui/ErrorNotice';
import { Modal } from '@/components/ui/Modal';

import { SubmitButton } from './SubmitButton';
import type { Submission } from './use-submit';

interface FormModalProps {
  title: string;
  /** The text of the submit button. */
  submitLabel: string;
  /** What `useSubmit` returned for the form's action. */
  submission: Submission;
  /** True while the form cannot be sent yet (a rule is not met, nothing changed). */
  submitDisabled: boolean;
  onClose: () => void;
  /** The submit button is red: the form does what cannot be undone. */
  danger?: boolean;
  /** The form's fields. */
  children: ReactNode;
}

/** A dialog holding one form: a failure is shown above the fields, submit and cancel in the footer. */
export function FormModal({
  title,
  submitLabel,
  submission,
  submitDisabled,
  onClose,
  danger = false,
  children,
}: FormModalProps) {
  const formId = useId();
  return (
    <Modal
      title={title}
      onClose={onClose}
      action={
        <SubmitButton form={formId} submitting={submission.submitting} disabled={submitDisabled} danger={danger}>
          {submitLabel}
        </SubmitButton>
      }
    >
      <form id={formId} onSubmit={submission.submit} noValidate>
        {submission.error && <ErrorNotice error={submission.error} />}
        {children}
      </form>
    </Modal>
  );
}
