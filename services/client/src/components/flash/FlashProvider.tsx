import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';

import { FLASH_TIMEOUT_MS } from '@/config/constants';

import { FlashContext, type FlashMessage, type FlashType } from './flash-context';

/** Holds the one flash message on screen: a new message replaces the old one. */
export function FlashProvider({ children }: { children: ReactNode }) {
  const [message, setMessage] = useState<FlashMessage | null>(null);
  const nextId = useRef(1);

  const flash = useCallback((type: FlashType, text: string) => {
    setMessage({ id: nextId.current++, type, text });
  }, []);
  const dismiss = useCallback(() => setMessage(null), []);

  useEffect(() => {
    if (!message) return;
    const timer = window.setTimeout(() => setMessage(null), FLASH_TIMEOUT_MS);
    return () => window.clearTimeout(timer);
  }, [message]);

  const value = useMemo(() => ({ message, flash, dismiss }), [message, flash, dismiss]);
  return <FlashContext.Provider value={value}>{children}</FlashContext.Provider>;
}
