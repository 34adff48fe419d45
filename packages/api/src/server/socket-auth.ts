import type { WebSocket } from 'ws';
import { authenticate, type ContextDeps } from './context.ts';

/** graphql-ws close code: no token, or the token expired (sign in again, then reconnect). */
export const CLOSE_UNAUTHENTICATED = 4401;
/** graphql-ws close code: a token that is not ours (tampered, wrong issuer, malformed header). */
export const CLOSE_FORBIDDEN = 4403;

/** setTimeout's ceiling (~24.8 days); tokens live far shorter. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Decides a graphql-ws `connection_init`. Every operation needs a signed-in caller, so:
 *
 * - no `connectionParams.authorization`   → close 4401 (sign in first);
 * - an expired token                      → close 4401 (sign in again);
 * - any other bad token or header         → close 4403 (never retry it);
 * - a good token                          → accepted, and the socket is closed with 4401 the
 *   moment the token expires, ending every subscription on it (the client signs in again and
 *   reconnects; a stale token never keeps receiving events).
 *
 * @returns the accepted `Bearer …` value, or null when the socket has been closed.
 */
export function admitSocket(
  deps: Pick<ContextDeps, 'config' | 'clock'>,
  connectionParams: Readonly<Record<string, unknown>> | undefined,
  socket: Pick<WebSocket, 'close' | 'once'>,
): string | null {
  const raw = connectionParams?.authorization ?? connectionParams?.Authorization;
  if (typeof raw !== 'string' || raw.trim() === '') {
    socket.close(CLOSE_UNAUTHENTICATED, 'Unauthorized: send connectionParams.authorization = "Bearer <token>"');
    return null;
  }
  const { caller, authError } = authenticate(deps, raw);
  const expiresAt = tokenExpiry(raw);
  if (authError || !caller) {
    const expired = expiresAt !== null && expiresAt <= deps.clock.now().getTime();
    if (expired) socket.close(CLOSE_UNAUTHENTICATED, 'Unauthorized: the token has expired; sign in again');
    else socket.close(CLOSE_FORBIDDEN, 'Forbidden: invalid token');
    return null;
  }
  if (expiresAt !== null) {
    const timer = setTimeout(
      () => socket.close(CLOSE_UNAUTHENTICATED, 'Unauthorized: the token has expired; sign in again'),
      Math.min(MAX_TIMER_MS, Math.max(0, expiresAt - deps.clock.now().getTime())),
    );
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
  }
  return raw;
}

/**
 * The `exp` of a bearer token in ms, read without verifying: only to choose a close code or
 * schedule the close of a token that `authenticate` has already verified.
 */
function tokenExpiry(authorization: string): number | null {
  const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization.trim())?.[1];
  const payload = token?.split('.')[1];
  if (!payload) return null;
  try {
    const { exp } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof exp === 'number' ? exp * 1000 : null;
  } catch {
    return null;
  }
}
