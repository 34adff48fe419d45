import { isDomainError, type Role, type SessionState, sessionStands, unsafeGetLiveApiKeys, unsafeGetSessionStates } from '@coupons/core';
import type { WebSocket } from 'ws';
import type { Logger } from '../observability/index.ts';
import { authenticate, type ContextDeps } from './context.ts';

/** graphql-ws close code: no token, an expired or revoked one, or its user is gone (sign in again). */
export const CLOSE_UNAUTHENTICATED = 4401;
/**
 * graphql-ws close code: a token that is not ours (tampered, wrong issuer, malformed header), or a
 * principal that lost the role an open subscription was granted under (a demoted admin).
 */
export const CLOSE_FORBIDDEN = 4403;
/** WebSocket close code "try again later": an API key could not be checked (the database is away). */
export const CLOSE_TRY_AGAIN_LATER = 1013;

/** setTimeout's ceiling (~24.8 days); tokens live far shorter. */
const MAX_TIMER_MS = 2 ** 31 - 1;

const REVOKED_REASON = 'Unauthorized: this session is no longer valid; sign in again';
const DEMOTED_REASON = 'Forbidden: your role no longer allows an open subscription';

type SocketLike = Pick<WebSocket, 'close' | 'once'>;

/**
 * Who an admitted socket speaks for: its `Bearer …` value, user and token version — or, for an
 * API key, the key (and the admin who made it as `userId`, so revoking re-checks it).
 */
export interface SocketSession {
  authorization: string;
  userId: string;
  tokenVersion: number;
  apiKeyId?: string;
}

/**
 * Decides a graphql-ws `connection_init`. Every operation needs a signed-in caller, so:
 *
 * - no `connectionParams.authorization`          → close 4401 (sign in first);
 * - an expired token, a revoked one, or one of a
 *   deleted user                                 → close 4401 (sign in again);
 * - any other bad token or header                → close 4403 (never retry it);
 * - a good token                                 → accepted, and the socket is closed with 4401 the
 *   moment the token expires, ending every subscription on it (the client signs in again and
 *   reconnects; a stale token never keeps receiving events).
 *
 * A token that could not be checked against its user because the database is away is accepted:
 * every subscribe checks it again (and answers SERVICE_UNAVAILABLE meanwhile), and so does the
 * {@link SessionWatch} once the database is back.
 *
 * @returns the accepted session, or null when the socket has been closed.
 */
export async function admitSocket(
  deps: Pick<ContextDeps, 'config' | 'clock' | 'db'>,
  connectionParams: Readonly<Record<string, unknown>> | undefined,
  socket: SocketLike,
): Promise<SocketSession | null> {
  const raw = connectionParams?.authorization ?? connectionParams?.Authorization;
  if (typeof raw !== 'string' || raw.trim() === '') {
    socket.close(CLOSE_UNAUTHENTICATED, 'Unauthorized: send connectionParams.authorization = "Bearer <token>"');
    return null;
  }
  const { caller, authError, token, apiKey } = await authenticate(deps, raw);
  if (apiKey) {
    // A key has no expiry and carries nothing verifiable offline: it is admitted only once checked.
    if (caller?.apiKey) return { authorization: raw, userId: caller.userId, tokenVersion: 0, apiKeyId: caller.apiKey.id };
    if (authError && isDomainError(authError)) socket.close(CLOSE_UNAUTHENTICATED, 'Unauthorized: invalid or revoked API key');
    else socket.close(CLOSE_TRY_AGAIN_LATER, 'The service is unavailable; try again shortly');
    return null;
  }
  const expiresAt = tokenExpiry(raw);
  if (!token || (authError && isDomainError(authError))) {
    const expired = expiresAt !== null && expiresAt <= deps.clock.now().getTime();
    if (expired) socket.close(CLOSE_UNAUTHENTICATED, 'Unauthorized: the token has expired; sign in again');
    else if (token) socket.close(CLOSE_UNAUTHENTICATED, REVOKED_REASON); // verified, but revoked or its user gone
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
  return { authorization: raw, userId: caller?.userId ?? token.userId, tokenVersion: token.tokenVersion };
}

/**
 * Keeps open sockets honest after admission. A socket's token was checked at `connection_init`
 * and is checked again at every subscribe, but a subscription, once started, runs on the context
 * of its start: so every `SESSION_RECHECK_INTERVAL_MS` (and at once when this process revokes a
 * user's sessions) the users of all open sockets are read in one query, and a socket is closed
 *
 * - with 4401 when its user is gone or its token version was revoked;
 * - with 4403 when one of its subscriptions was granted to an ADMIN who is no longer one (an
 *   admin's subscriptions see more: admin-only fields, everyone's events).
 *
 * A failed check (the database is away) closes nothing: it is tried again at the next tick.
 */
export interface SessionWatch {
  /** Watches an admitted socket until it closes. */
  track(socket: SocketLike, session: SocketSession): void;
  /** Notes that operation `id` on the socket started under `role`. */
  granted(socket: SocketLike, id: string, role: Role): void;
  /** Notes that operation `id` on the socket ended. */
  released(socket: SocketLike, id: string): void;
  /** True when the socket holds a subscription granted under a role the caller no longer has. */
  lostRole(socket: SocketLike, role: Role): boolean;
  /** Closes the socket with 4401 (revoked) or 4403 (demoted), on the next tick. */
  close(socket: SocketLike, code: typeof CLOSE_UNAUTHENTICATED | typeof CLOSE_FORBIDDEN): void;
  /** Re-checks now: the sockets of `userId`, or every socket. */
  recheck(userId?: string): Promise<void>;
  /** Stops the periodic check. */
  stop(): void;
}

/** Starts a {@link SessionWatch} that re-checks every `intervalMs` (one query per check per process). */
export function createSessionWatch(deps: {
  db: ContextDeps['db'];
  intervalMs: number;
  logger?: Logger;
}): SessionWatch {
  const sockets = new Map<SocketLike, { session: SocketSession; grants: Map<string, Role> }>();
  let checking = false;

  const lostRole = (socket: SocketLike, role: Role) =>
    [...(sockets.get(socket)?.grants.values() ?? [])].some((granted) => granted === 'ADMIN' && role !== 'ADMIN');

  const close: SessionWatch['close'] = (socket, code) => {
    sockets.delete(socket);
    // After the current message is answered: closing inside graphql-ws's handler would race its send.
    setImmediate(() => socket.close(code, code === CLOSE_FORBIDDEN ? DEMOTED_REASON : REVOKED_REASON));
  };

  const verdict = (socket: SocketLike, state: SessionState | undefined) => {
    const watched = sockets.get(socket);
    if (!watched) return;
    if (!sessionStands(state, watched.session.tokenVersion)) close(socket, CLOSE_UNAUTHENTICATED);
    else if (lostRole(socket, state.role)) close(socket, CLOSE_FORBIDDEN);
  };

  async function check(userId?: string): Promise<void> {
    const targets = [...sockets].filter(([, w]) => userId === undefined || w.session.userId === userId);
    if (targets.length === 0) return;
    const people = targets.filter(([, w]) => w.session.apiKeyId === undefined);
    const keys = targets.filter(([, w]) => w.session.apiKeyId !== undefined);
    try {
      const [states, liveKeys] = await Promise.all([
        unsafeGetSessionStates({ db: deps.db }, [...new Set(people.map(([, w]) => w.session.userId))]),
        unsafeGetLiveApiKeys({ db: deps.db }, [...new Set(keys.map(([, w]) => w.session.apiKeyId as string))]),
      ]);
      for (const [socket, watched] of people) verdict(socket, states.get(watched.session.userId));
      // A key stands while it is not revoked and its admin is still an admin (its own check).
      for (const [socket, watched] of keys) if (!liveKeys.has(watched.session.apiKeyId as string)) close(socket, CLOSE_UNAUTHENTICATED);
    } catch (error) {
      deps.logger?.warn({ err: error }, 'WebSocket session re-check failed; trying again at the next tick');
    }
  }

  // One check at a time: a tick that finds one running skips (the next tick comes soon).
  const tick = () => {
    if (checking) return;
    checking = true;
    void check().finally(() => {
      checking = false;
    });
  };
  const timer = setInterval(tick, deps.intervalMs);
  timer.unref();

  return {
    track(socket, session) {
      sockets.set(socket, { session, grants: new Map() });
      socket.once('close', () => sockets.delete(socket));
    },
    granted: (socket, id, role) => void sockets.get(socket)?.grants.set(id, role),
    released: (socket, id) => void sockets.get(socket)?.grants.delete(id),
    lostRole,
    close,
    recheck: (userId) => check(userId),
    stop: () => clearInterval(timer),
  };
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
