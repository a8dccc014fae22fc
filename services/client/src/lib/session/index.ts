export { SessionProvider, SESSION_EXPIRED_MESSAGE } from './SessionProvider';
export { useSession, type Credentials, type Registration, type SessionApi } from './session-context';
