import type { ReactNode } from 'react';

import { FlashProvider } from '@/components/flash';
import { SessionProvider } from '@/lib/session';

export function AppProviders({ children }: { children: ReactNode }) {
  return (
    <FlashProvider>
      <SessionProvider>{children}</SessionProvider>
    </FlashProvider>
  );
}
