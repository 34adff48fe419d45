import { randomUUID } from 'node:crypto';
import type { Config } from '@coupons/config';
import {
  authenticateApiKey,
  type Caller,
  type Clock,
  isDomainError,
  type LiveEvents,
  loadSessionCaller,
  looksLikeApiKey,
  parseBearer,
  type ServiceContext,
  type VerifiedToken,
  verifyAccessToken,
} from '@coupons/core';
import type { Database } from '@coupons/db';
import { tokenSettings } from '../auth/auth.settings.ts';
import { announcerWithRequestId, type Logger } from '../observability/index.ts';
import { createLoaders } from '../shared/loaders.ts';
import type { RequestContext, RequestCookies, WebhookRuntime } from '../shared/request-context.ts';
import type { MutationRateLimits } from './mutation-rate-limit.ts';

/** What the server knows once, and every request context is built from. */
export interface ContextDeps {
  config: Config;
  db: Database;
  clock: Clock;
  /** Extra ServiceContext fields for every request (e.g. the live-event announcer). */
  serviceExtras?: Partial<ServiceContext>;
  /** The process's live events, handed to subscription resolvers. */
  live?: LiveEvents;
  /** The process's mutation rate limit (server/mutation-rate-limit.ts). */
  rateLimits?: MutationRateLimits;
  /** Set only when `debug` is on: each announced event batch is logged with its request id. */
  eventLog?: Logger;
  /**
   * Told when a user's sessions were revoked or changed in this process (revokeUserSessions,
   * signOutEverywhere), so open WebSockets are re-checked at once (server/socket-auth.ts).
   */
  onSessionsChanged?: (userId: string) => void;
  /** Webhook settings and this process's sender (webhooks/ resolvers). */
  webhooks?: WebhookRuntime;
}

/** The per-request inputs: the raw Authorization value, the client address, a request id. */
export interface ContextInput {
  authorization: string | undefined | null;
  ip: string;
  requestId?: string | null;
  /** The HTTP request's cookies (auth/session-cookie.ts); none over graphql-ws. */
  cookies?: RequestCookies;
}

/**
 * Builds one request's context. A missing token makes an anonymous caller; a presented but
 * invalid one (malformed, tampered, `alg: none`, wrong secret/issuer/audience, expired, revoked,
 * of a deleted user) is kept as `authError`, which the authChecker throws on every non-public
 * field. A valid token costs one primary-key read: the caller's role is the stored one.
 */
export async function createRequestContext(deps: ContextDeps, input: ContextInput): Promise<RequestContext> {
  const { caller, authError } = await authenticate(deps, input.authorization);
  const requestId = sanitizeRequestId(input.requestId) ?? randomUUID();
  const service: ServiceContext = { ...deps.serviceExtras, db: deps.db, caller, clock: deps.clock, requestId };
  if (deps.eventLog && service.events) service.events = announcerWithRequestId(service.events, requestId, deps.eventLog);
  return {
    service,
    loaders: createLoaders(service),
    requestId,
    ip: input.ip,
    authError,
    config: deps.config,
    live: deps.live,
    rateLimits: deps.rateLimits,
    onSessionsChanged: deps.onSessionsChanged,
    cookies: input.cookies,
    webhooks: deps.webhooks,
  };
}

/** What {@link authenticate} decided about a bearer value. */
export interface Authentication {
  /** The caller with their stored role; null when anonymous or refused. */
  caller: Caller | null;
  /**
   * Why a presented token was refused (UNAUTHENTICATED), or the database error that kept it from
   * being checked (thrown at the first guarded field, where it answers SERVICE_UNAVAILABLE).
   */
  authError: Error | null;
  /** The token, when its signature, expiry … were good (even if its session was then refused). */
  token?: VerifiedToken;
  /** Set when the bearer value was an API key secret (`cbk_…`), whether or not it was accepted. */
  apiKey?: true;
}

/**
 * Verifies a bearer value against the config and clock, then against the user's row (exists,
 * token version current) and takes the role from the row. Never throws for a bad token.
 */
export async function authenticate(
  deps: Pick<ContextDeps, 'config' | 'clock' | 'db'>,
  authorization: string | undefined | null,
): Promise<Authentication> {
  let verified: VerifiedToken;
  try {
    const token = parseBearer(authorization);
    if (!token) return { caller: null, authError: null };
    if (looksLikeApiKey(token)) return await authenticateKey(deps, token);
    verified = verifyAccessToken(tokenSettings(deps.config), token, deps.clock);
  } catch (error) {
    if (isDomainError(error)) return { caller: null, authError: error };
    throw error;
  }
  try {
    return { caller: await loadSessionCaller(deps, verified), authError: null, token: verified };
  } catch (error) {
    return { caller: null, authError: error as Error, token: verified };
  }
}

/** An API key secret: its caller, or why it was refused (or the database error that kept it from being checked). */
async function authenticateKey(deps: Pick<ContextDeps, 'clock' | 'db'>, secret: string): Promise<Authentication> {
  try {
    return { caller: await authenticateApiKey(deps, secret), authError: null, apiKey: true };
  } catch (error) {
    return { caller: null, authError: error as Error, apiKey: true };
  }
}

/** A caller-supplied request id is kept only when short and plain (it ends up in logs). */
function sanitizeRequestId(value: string | undefined | null): string | undefined {
  return value && /^[\w.:-]{1,128}$/.test(value) ? value : undefined;
}
