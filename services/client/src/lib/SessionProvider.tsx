import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';

import { useFlash } from '@/components/flash';

import { api, onSessionEnd, refreshSession, tokenStore } from './api-client';
import type { User } from './api/types';
import { SessionContext, type Credentials, type Registration, type SessionStatus } from './session-context';

export const SESSION_EXPIRED_MESSAGE = 'Your session has expired. Please log in again.';

async function fetchCurrentUser(): Promise<User> {
  const { data } = await api.get('/auth/status');
  return data;
}

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
    const current = await fetchCurrentUser();
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
        const me = await fetchCurrentUser();
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
    async ({ email, password }: Credentials) => {
      const { auth_token } = await api.post('/auth/login', { body: { email, password }, auth: false });
      await signIn(auth_token);
    },
    [signIn],
  );

  const register = useCallback(
    async ({ username, email, password }: Registration) => {
      const { auth_token } = await api.post('/auth/register', { body: { username, email, password }, auth: false });
      await signIn(auth_token);
    },
    [signIn],
  );

  const pendingLogout = useRef<Promise<void> | null>(null);
  const logout = useCallback(() => {
    pendingLogout.current ??= (async () => {
      loggingOut.current = true;
      try {
        if (tokenStore.get()) await api.post('/auth/logout');
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
      register,
      logout,
      updateUser: setUser,
    }),
    [status, user, login, register, logout],
  );

  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}
