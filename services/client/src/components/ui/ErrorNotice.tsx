export function ErrorNotice({ error, onRetry }: { error: Error; onRetry?: () => void }) {
  return (
    <div className="notification is-danger is-light" role="alert">
      <p>{error.message}</p>
      {onRetry && (
        <button type="button" className="button is-small mt-2" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}
