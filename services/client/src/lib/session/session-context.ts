import { createContext, useContext } from 'react';

import type { Login, Registration, User } from '@/lib/api/types';

export type SessionStatus = 'loading' | 'authenticated' | 'anonymous';

export type Credentials = Login;
export type { Registration };

export interface SessionApi {
  status: SessionStatus;
  user: User | null;
  isAuthenticated: boolean;
  isAdmin: boolean;
  login: (credentials: Credentials) => Promise<void>;
  register: (registration: Registration) => Promise<void>;
  logout: () => Promise<void>;
  /** Replace the signed-in user after they changed their own details. */
  setCurrentUser: (user: User) => void;
}

export const SessionContext = createContext<SessionApi | null>(null);

export function useSession(): SessionApi {
  const context = useContext(SessionContext);
  if (!context) throw new Error('useSession must be used inside <SessionProvider>');
  return context;
}
