/**
 * The one HTTP client of the app.
 *
 * - Speaks the users API envelope: `{ status, message?, data?, errors? }`.
 * - Keeps the access token in memory only; the refresh token is an httpOnly cookie
 *   the browser sends to /auth/refresh by itself.
 * - When an authenticated request gets a 401, it refreshes the session once and
 *   retries; when that fails too, the session is over and listeners are told.
 * - Refreshing and logging out are its own: both handle the tokens it keeps.
 */

import type { Method, Operation, PathFor, PathParams, QueryParams, RequestBody, SuccessBody } from './api/types';

export type FieldErrors = Record<string, string[]>;

export class ApiError extends Error {
  readonly status: number;
  readonly errors: FieldErrors;

  constructor(status: number, message: string, errors: FieldErrors = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.errors = errors;
  }
}

type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

interface Envelope {
  status?: string;
  message?: string;
  errors?: FieldErrors;
  data?: unknown;
  auth_token?: string;
}

interface SendOptions {
  body?: unknown;
  query?: Record<string, string | number | boolean | undefined> | undefined;
  /** Send the access token and refresh once on a 401 (default: true). */
  auth?: boolean | undefined;
  /** Let the request outlive the page (fetch's `keepalive`), for calls that leaving it must not cancel. */
  keepalive?: boolean | undefined;
}

const NETWORK_ERROR = 'Could not reach the server. Check your connection and try again.';
const UNEXPECTED_ERROR = 'Something went wrong. Please try again.';

let accessToken: string | null = null;
let refreshing: Promise<string | null> | null = null;
const sessionEndListeners = new Set<() => void>();

export const tokenStore = {
  get: (): string | null => accessToken,
  set: (token: string | null): void => {
    accessToken = token;
  },
};

/** Called when a refresh fails after a 401: the user has been logged out. */
export function onSessionEnd(listener: () => void): () => void {
  sessionEndListeners.add(listener);
  return () => sessionEndListeners.delete(listener);
}

function buildUrl(path: string, query?: SendOptions['query']): string {
  const url = new URL(path, window.location.origin);
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined) url.searchParams.set(key, String(value));
  }
  return url.toString();
}

async function send(
  method: HttpMethod,
  path: string,
  options: SendOptions,
  token: string | null = options.auth === false ? null : accessToken,
): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = `Bearer ${token}`;
  try {
    return await fetch(buildUrl(path, options.query), {
      method,
      headers,
      credentials: 'same-origin',
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      keepalive: options.keepalive === true,
    });
  } catch {
    throw new ApiError(0, NETWORK_ERROR);
  }
}

async function readEnvelope(response: Response): Promise<Envelope> {
  if (response.status === 204) return {};
  try {
    const body: unknown = await response.json();
    return body !== null && typeof body === 'object' ? (body as Envelope) : {};
  } catch {
    return {};
  }
}

async function parse(response: Response): Promise<Envelope> {
  const envelope = await readEnvelope(response);
  if (!response.ok) {
    throw new ApiError(response.status, envelope.message ?? UNEXPECTED_ERROR, envelope.errors);
  }
  return envelope;
}

/**
 * Asks for a new access token with the refresh cookie. Concurrent callers share
 * one request, because the server rotates the cookie on every use.
 */
export function refreshSession(): Promise<string | null> {
  refreshing ??= (async () => {
    try {
      const envelope = await parse(await send('POST', '/auth/refresh', { auth: false }));
      accessToken = envelope.auth_token ?? null;
    } catch {
      accessToken = null;
    }
    return accessToken;
  })().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

/**
 * Ends the session. The access token is forgotten at once, and POST /auth/logout is sent
 * with `keepalive`: opening another page right after clicking Log Out must not cancel it,
 * or the refresh cookie would go on working and the next page would log the user back in.
 */
export async function logOut(): Promise<void> {
  const token = accessToken;
  accessToken = null;
  if (!token) return;
  let response = await send('POST', '/auth/logout', { keepalive: true }, token);
  if (response.status === 401) {
    // The access token expired while the page sat idle; the session behind the refresh cookie still has to end.
    const fresh = await refreshSession();
    accessToken = null;
    if (!fresh) return;
    response = await send('POST', '/auth/logout', { keepalive: true }, fresh);
  }
  await parse(response);
}

async function request(method: HttpMethod, path: string, options: SendOptions = {}): Promise<Envelope> {
  const withAuth = options.auth !== false;
  const sentToken = withAuth ? accessToken : null;
  let response = await send(method, path, options);

  if (response.status === 401 && sentToken) {
    // Another request may already have refreshed while this one was in flight.
    const token = accessToken !== sentToken ? accessToken : await refreshSession();
    if (!token) {
      sessionEndListeners.forEach((listener) => listener());
      return parse(response);
    }
    response = await send(method, path, options);
  }
  return parse(response);
}

type Options<O> = ([PathParams<O>] extends [never] ? { params?: never } : { params: PathParams<O> }) &
  ([QueryParams<O>] extends [never] ? { query?: never } : { query?: QueryParams<O> }) &
  ([RequestBody<O>] extends [undefined] ? { body?: never } : { body: RequestBody<O> }) & {
    auth?: boolean;
  };

function fillPath(path: string, params: Record<string, string | number> | undefined): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(String(params?.[name] ?? '')));
}

function call<M extends Method>(method: M) {
  return <P extends PathFor<M>>(
    path: P,
    ...[options]: object extends Options<Operation<P, M>> ? [Options<Operation<P, M>>?] : [Options<Operation<P, M>>]
  ): Promise<SuccessBody<Operation<P, M>>> => {
    const { params, query, body, auth } = (options ?? {}) as SendOptions & { params?: Record<string, string | number> };
    return request(method.toUpperCase() as HttpMethod, fillPath(path, params), { query, body, auth }) as Promise<
      SuccessBody<Operation<P, M>>
    >;
  };
}

/**
 * Typed by the generated OpenAPI schema: the path, its parameters, the body and the
 * success response all come from services/swagger/swagger.json.
 */
export const api = {
  get: call('get'),
  post: call('post'),
  put: call('put'),
  patch: call('patch'),
  delete: call('delete'),
};
