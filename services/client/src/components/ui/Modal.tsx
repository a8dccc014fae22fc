import { useEffect, useId, useRef, type KeyboardEvent, type ReactNode } from 'react';

import '@/styles/modal.scss';

const FOCUSABLE = [
  'a[href]',
  'button:not([disabled])',
  'input:not([disabled]):not([type="hidden"])',
  'select:not([disabled])',
  'textarea:not([disabled])',
  '[tabindex]:not([tabindex="-1"])',
].join(',');

interface ModalProps {
  title: string;
  onClose: () => void;
  children: ReactNode;
  /** The dialog's main button: the footer shows it, then a Cancel button that closes the dialog. */
  action?: ReactNode;
  /** Focus Cancel when the dialog opens, where the main button does what cannot be undone. */
  focusCancel?: boolean;
}

/**
 * A Bulma modal that behaves like a dialog: focus moves into it and stays there,
 * Escape and the close button close it, and focus returns to what opened it.
 */
export function Modal({ title, onClose, children, action, focusCancel = false }: ModalProps) {
  const titleId = useId();
  const cardRef = useRef<HTMLDivElement>(null);
  const onCloseRef = useRef(onClose);

  useEffect(() => {
    onCloseRef.current = onClose;
  });

  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const card = cardRef.current;
    // Start on the first field of a form, or on the button marked autoFocus.
    const target =
      card?.querySelector<HTMLElement>('[data-autofocus]') ??
      card?.querySelector<HTMLElement>(`.modal-card-body :is(${FOCUSABLE})`) ??
      card?.querySelector<HTMLElement>(FOCUSABLE);
    (target ?? card)?.focus();
    document.documentElement.classList.add('is-clipped');

    return () => {
      document.documentElement.classList.remove('is-clipped');
      opener?.focus();
    };
  }, []);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key === 'Escape') {
      event.stopPropagation();
      onCloseRef.current();
      return;
    }
    if (event.key !== 'Tab' || !cardRef.current) return;
    const focusable = Array.from(cardRef.current.querySelectorAll<HTMLElement>(FOCUSABLE));
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    if (!first || !last) {
      event.preventDefault();
      return;
    }
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  };

  return (
    <div className="modal is-active">
      <div className="modal-background" onClick={onClose} />
      <div
        ref={cardRef}
        className="modal-card"
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        tabIndex={-1}
        onKeyDown={onKeyDown}
      >
        <header className="modal-card-head">
          <h2 id={titleId} className="modal-card-title">
            {title}
          </h2>
          <button type="button" className="delete" aria-label="Close" onClick={onClose} />
        </header>
        <section className="modal-card-body">{children}</section>
        {action && (
          <footer className="modal-card-foot">
            <div className="buttons">
              {action}
              <button type="button" className="button" onClick={onClose} data-autofocus={focusCancel || undefined}>
                Cancel
              </button>
            </div>
          </footer>
        )}
      </div>
    </div>
  );
}
