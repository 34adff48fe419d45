'use client';

import { usePathname, useRouter } from 'next/navigation';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useSyncExternalStore } from 'react';
import { serverNow } from '../clock/server-clock';
import { getSession, type Session, type SessionUser, setSession, subscribeSession, tokenExpiry } from './session-store';

export type SignOutReason = 'signed-out' | 'expired';

interface SessionContextValue {
  session: Session | null;
  /** Starts a session; `expiresAt` is the API's word on when the token stops working. */
  signIn(token: string, user: SessionUser, expiresAt?: string | null): void;
  /** Ends the session and returns to the sign-in page, which explains why. */
  signOut(reason: SignOutReason): void;
  /** Refreshes the cached user (role changes) without touching the token. */
  updateUser(user: SessionUser): void;
}

const SessionContext = createContext<SessionContextValue | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const router = useRouter();
  const pathname = usePathname();
  const session = useSyncExternalStore(subscribeSession, getSession, () => null);

  const signOut = useCallback(
    (reason: SignOutReason) => {
      setSession(null, reason);
      router.replace(signInPath(reason, pathname));
    },
    [router, pathname],
  );

  const signIn = useCallback((token: string, user: SessionUser, expiresAt?: string | null) => {
    const fromApi = expiresAt ? Date.parse(expiresAt) : Number.NaN;
    setSession({ token, user, expiresAt: Number.isNaN(fromApi) ? tokenExpiry(token) : fromApi });
  }, []);

  const updateUser = useCallback((user: SessionUser) => {
    const existing = getSession();
    if (!existing) return;
    if (existing.user.id === user.id && existing.user.role === user.role && existing.user.email === user.email) return;
    setSession({ ...existing, user });
  }, []);

  // A token past its `exp` is useless: end the session when it expires rather than on the next error.
  useEffect(() => {
    if (!session?.expiresAt) return;
    // On the server's clock: a browser clock that runs ahead must not end sessions early.
    const delay = session.expiresAt - serverNow();
    if (delay <= 0) {
      signOut('expired');
      return;
    }
    const timer = setTimeout(() => signOut('expired'), Math.min(delay, 2_147_000_000));
    return () => clearTimeout(timer);
  }, [session?.expiresAt, signOut]);

  const value = useMemo(() => ({ session, signIn, signOut, updateUser }), [session, signIn, signOut, updateUser]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

/**
 * The sign-in page's address after a session ends: the reason, and (after an expiry) the page to
 * come back to. Only a path goes in the URL, never a token.
 */
export function signInPath(reason: string | null, pathname: string | null): string {
  const params = new URLSearchParams();
  if (reason) params.set('reason', reason);
  if (reason !== 'signed-out' && pathname && pathname !== '/' && !pathname.startsWith('/sign-in')) params.set('next', pathname);
  const query = params.toString();
  return query ? `/sign-in?${query}` : '/sign-in';
}

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession must be used inside <SessionProvider>');
  return value;
}
