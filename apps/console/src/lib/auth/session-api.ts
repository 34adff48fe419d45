import { print } from 'graphql';
import { graphql } from '@/gql';
import type { SessionUser } from './session-store';

/**
 * The two calls that manage the refresh cookie, outside any Apollo client (they run before one
 * exists, and must not go through the client's refresh-on-UNAUTHENTICATED link). The cookie is
 * HttpOnly: the console never sees it; `credentials: 'include'` lets the browser send and store it.
 */

/** What signing in, registering and refreshing all return: the token, its expiry and who it belongs to. */
export const SessionFragment = graphql(`
  fragment Session on AuthPayload {
    token
    expiresAt
    user {
      id
      email
      role
    }
  }
`);

const RefreshSessionMutation = graphql(`
  mutation RefreshSession {
    refreshSession {
      ...Session
    }
  }
`);

const LogoutMutation = graphql(`
  mutation Logout {
    logout
  }
`);

/** A new access token from the refresh cookie. */
export interface RefreshedSession {
  token: string;
  expiresAt: string;
  user: SessionUser;
}

/** `signedOut`: the API refused the cookie (sign in again); `failed`: it could not be asked (try later). */
export type RefreshOutcome = { ok: true; session: RefreshedSession } | { ok: false; reason: 'signedOut' | 'failed' };

interface GraphQLBody<T> {
  data?: T | null;
  errors?: Array<{ extensions?: { code?: unknown } }>;
}

async function post<T>(graphqlUrl: string, query: string, operationName: string, keepalive = false): Promise<GraphQLBody<T>> {
  const response = await fetch(graphqlUrl, {
    method: 'POST',
    credentials: 'include',
    keepalive,
    // application/json makes the request preflighted: Apollo's CSRF prevention lets it through.
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, operationName }),
  });
  return (await response.json()) as GraphQLBody<T>;
}

/** Spends the refresh cookie for a new access token (one request; see {@link refreshOnce} for the guarded one). */
async function requestRefresh(graphqlUrl: string): Promise<RefreshOutcome> {
  try {
    const body = await post<{ refreshSession: RefreshedSession }>(graphqlUrl, print(RefreshSessionMutation), 'RefreshSession');
    if (body.data?.refreshSession) return { ok: true, session: body.data.refreshSession };
    const unauthenticated = body.errors?.some((e) => e.extensions?.code === 'UNAUTHENTICATED');
    return { ok: false, reason: unauthenticated ? 'signedOut' : 'failed' };
  } catch {
    return { ok: false, reason: 'failed' };
  }
}

let inFlight: Promise<RefreshOutcome> | null = null;

/**
 * Refreshes once, however many callers ask at the same moment (queries failing together, the
 * expiry timer, a reconnecting socket): a refresh token is spent once, and presenting it twice
 * would end the session. Across tabs, a Web Lock runs one refresh at a time, so the next tab sends
 * the cookie the previous one received.
 */
export function refreshOnce(graphqlUrl: string): Promise<RefreshOutcome> {
  inFlight ??= withRefreshLock(() => requestRefresh(graphqlUrl)).finally(() => {
    inFlight = null;
  });
  return inFlight;
}

function withRefreshLock<T>(work: () => Promise<T>): Promise<T> {
  const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
  return locks ? locks.request('coupons.refresh-session', work) : work();
}

/** Revokes the refresh cookie's session and clears the cookie; never throws (sign-out goes on). */
export async function logoutSession(graphqlUrl: string): Promise<boolean> {
  try {
    // keepalive: the sign-in page's navigation must not cancel it.
    const body = await post<{ logout: boolean }>(graphqlUrl, print(LogoutMutation), 'Logout', true);
    return body.data?.logout === true;
  } catch {
    return false;
  }
}
