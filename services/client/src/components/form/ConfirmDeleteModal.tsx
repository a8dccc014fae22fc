import type { ReactNode } from 'react';

import { ErrorNotice } from '@/components/ui/ErrorNotice';
import { Modal } from '@/components/ui/Modal';

import { useSubmit } from './use-submit';

interface ConfirmDeleteModalProps {
  title: string;
  /** What is deleted, as the question names it. */
  subject: ReactNode;
  /** Deletes it and resolves to the service's message, or to null when there is nothing to report. */
  remove: () => Promise<string | null>;
  onClose: () => void;
  onDeleted: (message: string) => void;
}

/** A dialog that asks before deleting: Cancel has the focus, a failure is shown above the question. */
export function ConfirmDeleteModal({ title, subject, remove, onClose, onDeleted }: ConfirmDeleteModalProps) {
  const { submitting: deleting, error, submit: confirm } = useSubmit(remove, {
    onSuccess: (message) => message !== null && onDeleted(message),
  });

  return (
    <Modal
      title={title}
      onClose={onClose}
      focusCancel
      action={
        <button
          type="button"
          className={`button is-danger${deleting ? ' is-loading' : ''}`}
          disabled={deleting}
          onClick={() => void confirm()}
        >
          Delete
        </button>
      }
    >
      {error && <ErrorNotice error={error} />}
      <p>Delete {subject}? This cannot be undone.</p>
    </Modal>
  );
}
