import { createContext, useContext } from 'react';

import type { Login, Registration, SecondFactor, User } from '@/lib/api/types';

export type SessionStatus = 'loading' | 'authenticated' | 'anonymous';

export type Credentials = Login;
export type { Registration };

export interface SessionApi {
  status: SessionStatus;
  user: User | null;
  isAuthenticated: boolean;
  isAdmin: boolean;
  /** Signs in, or answers the challenge for a code when two-factor login is on (`null`: signed in). */
  login: (credentials: Credentials) => Promise<{ mfaToken: string } | null>;
  /** The second step of a login: the challenge and a code (or a recovery code). */
  verifySecondFactor: (mfaToken: string, factor: SecondFactor) => Promise<void>;
  /** Registers and signs in; where a login needs a verified email, signs nothing in and answers the message. */
  register: (registration: Registration) => Promise<string | null>;
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
