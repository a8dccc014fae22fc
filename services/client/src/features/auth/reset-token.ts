import { paths } from '@/config/paths';

/**
 * The token of a mailed password-reset link. The link carries it in its fragment
 * (`/reset-password#token=…`), which browsers never send to a server, so no access log
 * sees it; links mailed before that carry it in the query (`?token=`) and still work.
 */

let taken: string | null = null;

/** The token in a link's fragment, else in its query; null when there is none. */
export function resetTokenIn({ hash, search }: { hash: string; search: string }): string | null {
  return new URLSearchParams(hash.replace(/^#/, '')).get('token') || new URLSearchParams(search).get('token') || null;
}

/**
 * Runs first, before the app loads anything: on a reset link, keeps the token in memory and
 * takes it out of the address bar, so that it stays out of the history and of the Referer
 * of every request the page makes next.
 */
export function takeResetTokenFromAddressBar(): void {
  const { pathname, search, hash } = window.location;
  if (pathname !== paths.resetPassword) return;
  const token = resetTokenIn({ hash, search });
  if (!token) return;
  taken = token;
  const query = new URLSearchParams(search);
  query.delete('token');
  const rest = query.toString();
  window.history.replaceState(window.history.state, '', `${pathname}${rest ? `?${rest}` : ''}`);
}

/** The token taken from the address bar at start, if any. */
export function takenResetToken(): string | null {
  return taken;
}

/** A used token is of no more use: a later visit to the page must not send it again. */
export function forgetResetToken(): void {
  taken = null;
}
