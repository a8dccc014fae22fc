import { useCallback, useEffect, useState, type DependencyList } from 'react';

export type AsyncState<T> =
  | { status: 'loading'; data: T | undefined; error: null }
  | { status: 'success'; data: T; error: null }
  | { status: 'error'; data: T | undefined; error: Error };

/**
 * Runs `load` whenever `deps` change and tracks its loading and error states.
 * Data from the previous run stays available while the next one loads, so a
 * table does not blink when it is refreshed after an edit. Nothing runs while
 * `enabled` is false.
 */
export function useAsync<T>(
  load: () => Promise<T>,
  deps: DependencyList,
  { enabled = true }: { enabled?: boolean } = {},
): AsyncState<T> & { reload: () => void } {
  const [state, setState] = useState<AsyncState<T>>({ status: 'loading', data: undefined, error: null });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    if (!enabled) return;
    let current = true;
    load().then(
      (data) => current && setState({ status: 'success', data, error: null }),
      (error: unknown) =>
        current &&
        setState((previous) => ({
          status: 'error',
          data: previous.data,
          error: error instanceof Error ? error : new Error(String(error)),
        })),
    );
    return () => {
      current = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, enabled, attempt]);

  const reload = useCallback(() => {
    setState((previous) => ({ status: 'loading', data: previous.data, error: null }));
    setAttempt((count) => count + 1);
  }, []);

  return { ...state, reload };
}
