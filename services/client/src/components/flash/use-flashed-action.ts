import { useRef, useState } from 'react';

import { useFlash } from './flash-context';

/**
 * Runs one action at a time (a button's), flashes the message it answers or the error it
 * throws, then calls `onSettled` (to reload what it changed). `busy` is the key of the running one.
 */
export function useFlashedAction<Key>(onSettled: () => void) {
  const { flash } = useFlash();
  const [busy, setBusy] = useState<Key | null>(null);
  // State is only read on the next render; a double click arrives before that.
  const running = useRef(false);

  const run = async (key: Key, action: () => Promise<string>) => {
    if (running.current) return;
    running.current = true;
    setBusy(key);
    try {
      flash('success', await action());
    } catch (caught) {
      flash('danger', caught instanceof Error ? caught.message : String(caught));
    } finally {
      running.current = false;
      setBusy(null);
      onSettled();
    }
  };

  return { busy, run };
}
