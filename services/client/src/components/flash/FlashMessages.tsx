import { useFlash } from './flash-context';

export function FlashMessages() {
  const { message, dismiss } = useFlash();
  return (
    <div className="flash-region" role="status" aria-live="polite">
      {message && (
        <div key={message.id} className={`notification is-${message.type}`}>
          <button type="button" className="delete" aria-label="Dismiss message" onClick={dismiss} />
          <span>{message.text}</span>
        </div>
      )}
    </div>
  );
}
