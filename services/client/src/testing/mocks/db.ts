import type { Item, Session, User } from '@/lib/api/types';

/** An in-memory stand-in for the users and items services, reset before every test. */

export interface StoredUser extends Required<Omit<User, 'created_date'>> {
  password: string;
  created_date: string;
}

/** A session as the users service keeps it: whose, and what it shows (`current` is per request). */
export interface StoredSession extends Omit<Session, 'current'> {
  user_id: number;
}

interface State {
  users: StoredUser[];
  nextId: number;
  items: Item[];
  nextItemId: number;
  tokens: Map<string, number>;
  /** The user whose refresh cookie the browser holds, if any. */
  refreshCookie: number | null;
  tokenCount: number;
  /** Two-factor login: the challenges of logins waiting for a code, and each user's unused recovery codes. */
  mfaTokens: Map<string, number>;
  recoveryCodes: Map<number, string[]>;
  sessions: StoredSession[];
  /** The session each access token belongs to. */
  tokenSessions: Map<string, string>;
  /** The session of the browser's refresh cookie. */
  cookieSession: string | undefined;
}

const state: State = {
  users: [],
  nextId: 1,
  items: [],
  nextItemId: 1,
  tokens: new Map(),
  refreshCookie: null,
  tokenCount: 0,
  mfaTokens: new Map(),
  recoveryCodes: new Map(),
  sessions: [],
  tokenSessions: new Map(),
  cookieSession: undefined,
};

/** The one code the stand-in's authenticator "app" shows, and the recovery codes it hands out. */
export const TOTP_CODE = '123456';
export const RECOVERY_CODES = Array.from({ length: 10 }, (_, i) => `abcd-ef01-2345-67${String(i).padStart(2, '0')}`);

export const db = {
  reset() {
    state.users = [];
    state.nextId = 1;
    state.items = [];
    state.nextItemId = 1;
    state.tokens = new Map();
    state.refreshCookie = null;
    state.tokenCount = 0;
    state.mfaTokens = new Map();
    state.recoveryCodes = new Map();
    state.sessions = [];
    state.tokenSessions = new Map();
    state.cookieSession = undefined;
  },

  addUser(fields: Partial<StoredUser> & { username: string; email: string }): StoredUser {
    const user: StoredUser = {
      id: state.nextId++,
      password: 'greaterthanten',
      active: true,
      admin: false,
      two_factor_enabled: false,
      created_date: '2026-01-01T00:00:00Z',
      ...fields,
    };
    state.users.push(user);
    return user;
  },

  users: (): StoredUser[] => state.users,
  findUser: (id: number) => state.users.find((user) => user.id === id),
  findByEmail: (email: string) => state.users.find((user) => user.email === email),
  removeUser(id: number) {
    state.users = state.users.filter((user) => user.id !== id);
  },

  addItem(fields: Partial<Item> & { title: string; owner_id: number }): Item {
    const item: Item = {
      id: state.nextItemId++,
      description: '',
      created_date: '2026-01-01T00:00:00+00:00',
      updated_date: '2026-01-01T00:00:00+00:00',
      ...fields,
    };
    state.items.push(item);
    return item;
  },

  /** Every item, by id ascending as the service lists them. */
  items: (): Item[] => state.items,
  findItem: (id: number) => state.items.find((item) => item.id === id),
  removeItem(id: number) {
    state.items = state.items.filter((item) => item.id !== id);
  },

  /** A new access token, of a new session (a login), or of the refresh cookie's session (`refresh`). */
  issueToken(userId: number, { refresh = false }: { refresh?: boolean } = {}): string {
    const token = `token-${userId}-${++state.tokenCount}`;
    state.tokens.set(token, userId);
    const known = state.sessions.find((session) => session.id === state.cookieSession && session.user_id === userId);
    const session = refresh && known ? known : db.addSession({ user_id: userId, user_agent: 'This browser' });
    state.tokenSessions.set(token, session.id);
    state.cookieSession = session.id;
    state.refreshCookie = userId;
    return token;
  },

  addSession(fields: Partial<StoredSession> & { user_id: number }): StoredSession {
    const session: StoredSession = {
      id: `session-${state.sessions.length + 1}`,
      created: '2026-01-01T09:30:00Z',
      last_used: '2026-01-02T10:45:00Z',
      user_agent: null,
      address: '192.0.2.1',
      ...fields,
    };
    state.sessions.push(session);
    return session;
  },
  sessionsOf: (userId: number) => state.sessions.filter((session) => session.user_id === userId),
  sessionForToken: (header: string | null) => state.tokenSessions.get(header?.replace(/^Bearer /, '') ?? ''),
  /** Ends a session: its access tokens stop working. */
  endSession(id: string) {
    state.sessions = state.sessions.filter((session) => session.id !== id);
    for (const [token, session] of state.tokenSessions) {
      if (session === id) state.tokens.delete(token);
    }
  },
  userForToken(header: string | null): StoredUser | undefined {
    const token = header?.replace(/^Bearer /, '') ?? '';
    const id = state.tokens.get(token);
    return id === undefined ? undefined : db.findUser(id);
  },
  /** Every access token stops working, as when they expire. */
  expireTokens() {
    state.tokens.clear();
  },
  revokeToken(header: string | null) {
    state.tokens.delete(header?.replace(/^Bearer /, '') ?? '');
  },

  issueMfaToken(userId: number): string {
    const token = `mfa-${userId}-${++state.tokenCount}`;
    state.mfaTokens.set(token, userId);
    return token;
  },
  /** The user a challenge belongs to; it is spent once a code was right. */
  mfaUser: (token: string) => state.mfaTokens.get(token),
  spendMfaToken(token: string) {
    state.mfaTokens.delete(token);
  },
  setRecoveryCodes(userId: number, codes: string[]) {
    state.recoveryCodes.set(userId, [...codes]);
  },
  /** Whether the user had that unused recovery code; it is spent. */
  spendRecoveryCode(userId: number, code: string): boolean {
    const codes = state.recoveryCodes.get(userId) ?? [];
    if (!codes.includes(code)) return false;
    state.recoveryCodes.set(userId, codes.filter((unused) => unused !== code));
    return true;
  },

  get refreshCookie() {
    return state.refreshCookie;
  },
  set refreshCookie(userId: number | null) {
    state.refreshCookie = userId;
  },
};

export function publicUser(user: StoredUser, viewer?: StoredUser): User {
  const { password: _password, email, admin, two_factor_enabled, ...visible } = user;
  void _password;
  const privileged = viewer !== undefined && (viewer.admin || viewer.id === user.id);
  return privileged ? { ...visible, email, admin, two_factor_enabled } : visible;
}
