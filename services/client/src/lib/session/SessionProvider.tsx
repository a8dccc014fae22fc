import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';

import { useFlash } from '@/components/flash';
import { getCurrentUser, logIn, register as registerAccount, verifySecondFactor as verifyFactor } from '@/lib/api/auth';
import type { SecondFactor, User } from '@/lib/api/types';
import { logOut, onSessionEnd, refreshSession, tokenStore } from '@/lib/api-client';

import { SessionContext, type Credentials, type Registration, type SessionStatus } from './session-context';

export const SESSION_EXPIRED_MESSAGE = 'Your session has expired. Please log in again.';

/**
 * Knows who is signed in. On start it trades the refresh cookie for an access token,
 * so a reload keeps the user logged in although the token itself lives in memory only.
 */
export function SessionProvider({ children }: { children: ReactNode }) {
  const { flash } = useFlash();
  const [status, setStatus] = useState<SessionStatus>('loading');
  const [user, setUser] = useState<User | null>(null);
  const loggingOut = useRef(false);

  const signIn = useCallback(async (token: string) => {
    tokenStore.set(token);
    const current = await getCurrentUser();
    setUser(current);
    setStatus('authenticated');
  }, []);

  const signOut = useCallback(() => {
    tokenStore.set(null);
    setUser(null);
    setStatus('anonymous');
  }, []);

  useEffect(() => {
    let current = true;
    (async () => {
      const token = await refreshSession();
      if (!current) return;
      if (!token) {
        signOut();
        return;
      }
      try {
        const me = await getCurrentUser();
        if (!current) return;
        setUser(me);
        setStatus('authenticated');
      } catch {
        if (current) signOut();
      }
    })();
    return () => {
      current = false;
    };
  }, [signOut]);

  useEffect(
    () =>
      onSessionEnd(() => {
        signOut();
        if (!loggingOut.current) flash('danger', SESSION_EXPIRED_MESSAGE);
      }),
    [flash, signOut],
  );

  const login = useCallback(
    async (credentials: Credentials) => {
      const result = await logIn(credentials);
      if ('mfaToken' in result) return { mfaToken: result.mfaToken };
      await signIn(result.token);
      return null;
    },
    [signIn],
  );

  const verifySecondFactor = useCallback(
    async (mfaToken: string, factor: SecondFactor) => signIn(await verifyFactor(mfaToken, factor)),
    [signIn],
  );

  const register = useCallback(
    async (registration: Registration) => {
      const { token, message } = await registerAccount(registration);
      // No token: a login needs a verified email first; the message says so.
      if (!token) return message;
      await signIn(token);
      return null;
    },
    [signIn],
  );

  const pendingLogout = useRef<Promise<void> | null>(null);
  const logout = useCallback(() => {
    pendingLogout.current ??= (async () => {
      loggingOut.current = true;
      try {
        await logOut();
      } catch {
        // The session ends on this side whatever the server answered.
      } finally {
        loggingOut.current = false;
        pendingLogout.current = null;
        signOut();
      }
    })();
    return pendingLogout.current;
  }, [signOut]);

  const value = useMemo(
    () => ({
      status,
      user,
      isAuthenticated: status === 'authenticated',
      isAdmin: status === 'authenticated' && user?.admin === true,
      login,
      verifySecondFactor,
      register,
      logout,
      setCurrentUser: setUser,
    }),
    [status, user, login, verifySecondFactor, register, logout],
  );

  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}
