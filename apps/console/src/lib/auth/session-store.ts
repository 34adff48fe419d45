/**
 * The signed-in session's access token: kept in memory and mirrored to `sessionStorage` so a reload
 * of the tab uses it at once. It lives an hour; the refresh token that renews it is an HttpOnly
 * cookie the console never sees (session-api.ts), so a new tab or a reload after expiry is still
 * signed in. The token never goes into a URL; every request sends it in the `Authorization` header.
 */
export type Role = 'ADMIN' | 'USER';

export interface SessionUser {
  id: string;
  /** Always set for people who sign in; the schema's User.email is null only for shop customers. */
  email: string | null;
  role: Role;
}

export interface Session {
  token: string;
  user: SessionUser;
  /** Epoch milliseconds at which the token expires, when the token says so. */
  expiresAt: number | null;
}

const STORAGE_KEY = 'coupons.session';

let current: Session | null | undefined;
/** Why the last session ended (set by sign-out), so every redirect to sign-in can say it. */
let endedReason: string | null = null;
const listeners = new Set<() => void>();

function readStorage(): Session | null {
  if (typeof window === 'undefined') return null;
  try {
    const raw = window.sessionStorage.getItem(STORAGE_KEY);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as Session;
    return typeof parsed?.token === 'string' && parsed.user ? parsed : null;
  } catch {
    return null;
  }
}

export function getSession(): Session | null {
  if (current === undefined) current = readStorage();
  return current;
}

export function setSession(session: Session | null, reason: string | null = null): void {
  current = session;
  endedReason = session ? null : reason;
  try {
    if (session) window.sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
    else window.sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // Storage can be unavailable (private mode quotas); the in-memory session still works.
  }
  for (const listener of listeners) listener();
}

export function getEndedReason(): string | null {
  return endedReason;
}

export function subscribeSession(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Reads `exp` from a JWT without verifying it: only to schedule a refresh, never to trust it. */
export function tokenExpiry(token: string): number | null {
  const payload = token.split('.')[1];
  if (!payload) return null;
  try {
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const exp = (JSON.parse(json) as { exp?: unknown }).exp;
    return typeof exp === 'number' ? exp * 1000 : null;
  } catch {
    return null;
  }
}
