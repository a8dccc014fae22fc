import { useFlash, type FlashType } from './flash-context';

// Whole class names, so the build's unused-CSS pass sees them in the source.
const typeClass: Record<FlashType, string> = { success: 'is-success', danger: 'is-danger' };

export function FlashMessages() {
  const { message, dismiss } = useFlash();
  return (
    <div className="flash-region" role="status" aria-live="polite">
      {message && (
        <div key={message.id} className={`notification ${typeClass[message.type]}`}>
          <button type="button" className="delete" aria-label="Dismiss message" onClick={dismiss} />
          <span>{message.text}</span>
        </div>
      )}
    </div>
  );
}
