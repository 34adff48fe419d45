'use client';

import { useRouter } from 'next/navigation';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { serverNow } from '../clock/server-clock';
import { logoutSession, refreshOnce } from './session-api';
import { getSession, type Session, type SessionUser, setSession, subscribeSession, tokenExpiry } from './session-store';

export type SignOutReason = 'signed-out' | 'expired';

/** What asking for a new access token came to: `signedOut` means the session is over. */
export type RefreshResult = 'ok' | 'signedOut' | 'failed';

interface SessionContextValue {
  session: Session | null;
  /** True while a tab without a session asks the refresh cookie for one (its first load). */
  restoring: boolean;
  /** Starts a session; `expiresAt` is the API's word on when the token stops working. */
  signIn(token: string, user: SessionUser, expiresAt?: string | null): void;
  /**
   * Ends the session and returns to the sign-in page, which explains why. `signed-out` (the
   * person's choice) first revokes the refresh cookie, so a reload does not sign them back in.
   */
  signOut(reason: SignOutReason): Promise<void>;
  /** Refreshes the cached user (role changes) without touching the token. */
  updateUser(user: SessionUser): void;
  /** A new access token from the refresh cookie, stored as the session's (never ends the session itself). */
  refresh(): Promise<RefreshResult>;
}

/** Other tabs of this browser hear of a sign-out here and end their copy of the session too. */
const SIGN_OUT_CHANNEL = 'coupons.session';
/** After a refresh that could not reach the API, try again this much later. */
const REFRESH_RETRY_MS = 10_000;

const SessionContext = createContext<SessionContextValue | null>(null);

/**
 * The signed-in session. The access token (short-lived) is in sessionStorage; the refresh token is
 * an HttpOnly cookie only the API reads. A tab without a session asks the cookie for one on load
 * (a reload, a new tab); the token is refreshed ahead of its expiry, and once when a call answers
 * UNAUTHENTICATED (the Apollo client's error link calls {@link SessionContextValue.refresh}).
 */
export function SessionProvider({ graphqlUrl, children }: { graphqlUrl: string; children: ReactNode }) {
  const router = useRouter();
  const session = useSyncExternalStore(subscribeSession, getSession, () => null);
  const [restoring, setRestoring] = useState(() => getSession() === null);
  const channel = useRef<BroadcastChannel | null>(null);

  const signIn = useCallback((token: string, user: SessionUser, expiresAt?: string | null) => {
    const fromApi = expiresAt ? Date.parse(expiresAt) : Number.NaN;
    setSession({ token, user, expiresAt: Number.isNaN(fromApi) ? tokenExpiry(token) : fromApi });
  }, []);

  const endLocally = useCallback(
    (reason: SignOutReason) => {
      setSession(null, reason);
      router.replace(signInPath(reason, currentPage()));
    },
    [router],
  );

  const signOut = useCallback(
    async (reason: SignOutReason) => {
      if (reason === 'signed-out') {
        // Wait for the revocation: a reload racing it could otherwise refresh the session back.
        await logoutSession(graphqlUrl);
        channel.current?.postMessage('signed-out');
      }
      endLocally(reason);
    },
    [graphqlUrl, endLocally],
  );

  const refresh = useCallback(async (): Promise<RefreshResult> => {
    const outcome = await refreshOnce(graphqlUrl);
    if (!outcome.ok) return outcome.reason;
    signIn(outcome.session.token, outcome.session.user, outcome.session.expiresAt);
    return 'ok';
  }, [graphqlUrl, signIn]);

  const updateUser = useCallback((user: SessionUser) => {
    const existing = getSession();
    if (!existing) return;
    if (existing.user.id === user.id && existing.user.role === user.role && existing.user.email === user.email) return;
    setSession({ ...existing, user });
  }, []);

  // A tab with no session of its own (a reload after the token was dropped, a new tab): the
  // refresh cookie, if any, gives one. Runs once per tab load.
  const restoreStarted = useRef(false);
  useEffect(() => {
    if (!restoring || restoreStarted.current) return;
    restoreStarted.current = true;
    void refresh().finally(() => setRestoring(false));
  }, [restoring, refresh]);

  // A sign-out in another tab ends this tab's copy too.
  useEffect(() => {
    if (typeof BroadcastChannel === 'undefined') return;
    const opened = new BroadcastChannel(SIGN_OUT_CHANNEL);
    channel.current = opened;
    opened.onmessage = (event) => {
      if (event.data === 'signed-out' && getSession()) endLocally('signed-out');
    };
    return () => {
      opened.close();
      channel.current = null;
    };
  }, [endLocally]);

  // Refresh ahead of expiry: a fifth of the token's remaining life early, at most a minute, so a
  // short-lived token is not refreshed in a loop. On the server's clock: a browser clock that runs
  // ahead must not refresh early.
  useEffect(() => {
    if (!session?.expiresAt) return;
    const remaining = session.expiresAt - serverNow();
    const delay = Math.max(0, remaining - Math.min(60_000, Math.max(0, remaining) / 5));
    let stopped = false;
    let timer: ReturnType<typeof setTimeout>;
    const run = () => {
      void refresh().then((result) => {
        if (stopped) return;
        if (result === 'signedOut') void signOut('expired');
        // Unreachable API: try again; requests meanwhile refresh on UNAUTHENTICATED themselves.
        else if (result === 'failed') timer = setTimeout(run, REFRESH_RETRY_MS);
      });
    };
    timer = setTimeout(run, Math.min(delay, 2_147_000_000));
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [session?.expiresAt, refresh, signOut]);

  const value = useMemo(
    () => ({ session, restoring, signIn, signOut, updateUser, refresh }),
    [session, restoring, signIn, signOut, updateUser, refresh],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

/**
 * The sign-in page's address after a session ends: the reason, and (after an expiry) the page to
 * come back to, with its query (a list's filters, page and search), which `safeNextPath` follows
 * after sign-in. Only the page's own address goes in the URL, never a token.
 */
export function signInPath(reason: string | null, page: string | null): string {
  const params = new URLSearchParams();
  if (reason) params.set('reason', reason);
  const pathname = page?.split('?')[0];
  if (reason !== 'signed-out' && page && pathname && pathname !== '/' && !pathname.startsWith('/sign-in')) params.set('next', page);
  const query = params.toString();
  return query ? `/sign-in?${query}` : '/sign-in';
}

/**
 * The page shown now, its query included. Read from the location when the session ends, not
 * from `usePathname`/`useSearchParams`: the latter would need a Suspense boundary around every page.
 */
export function currentPage(): string | null {
  if (typeof window === 'undefined') return null;
  return `${window.location.pathname}${window.location.search}`;
}

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession must be used inside <SessionProvider>');
  return value;
}
