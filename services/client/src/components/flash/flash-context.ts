import { createContext, useContext } from 'react';

export type FlashType = 'success' | 'danger';

export interface FlashMessage {
  id: number;
  type: FlashType;
  text: string;
}

export interface FlashApi {
  message: FlashMessage | null;
  flash: (type: FlashType, text: string) => void;
  dismiss: () => void;
}

export const FlashContext = createContext<FlashApi | null>(null);

export function useFlash(): FlashApi {
  const context = useContext(FlashContext);
  if (!context) throw new Error('useFlash must be used inside <FlashProvider>');
  return context;
}
