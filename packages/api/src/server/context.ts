import { randomUUID } from 'node:crypto';
import type { Config } from '@coupons/config';
import {
  type Caller,
  type Clock,
  type DomainError,
  isDomainError,
  type LiveEvents,
  parseBearer,
  type ServiceContext,
  verifyAccessToken,
} from '@coupons/core';
import type { Database } from '@coupons/db';
import { tokenSettings } from '../auth/auth.settings.ts';
import { announcerWithRequestId, type Logger } from '../observability/index.ts';
import { createLoaders } from '../shared/loaders.ts';
import type { RequestContext } from '../shared/request-context.ts';
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
}

/** The per-request inputs: the raw Authorization value, the client address, a request id. */
export interface ContextInput {
  authorization: string | undefined | null;
  ip: string;
  requestId?: string | null;
}

/**
 * Builds one request's context. A missing token makes an anonymous caller; a presented but
 * invalid one (malformed, tampered, `alg: none`, wrong secret/issuer/audience, expired) is kept
 * as `authError`, which the authChecker throws on every non-public field.
 */
export function createRequestContext(deps: ContextDeps, input: ContextInput): RequestContext {
  const { caller, authError } = authenticate(deps, input.authorization);
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
  };
}

/** Verifies a bearer value against the config and clock; never throws for a bad token. */
export function authenticate(
  deps: Pick<ContextDeps, 'config' | 'clock'>,
  authorization: string | undefined | null,
): { caller: Caller | null; authError: DomainError | null } {
  try {
    const token = parseBearer(authorization);
    if (!token) return { caller: null, authError: null };
    return { caller: verifyAccessToken(tokenSettings(deps.config), token, deps.clock), authError: null };
  } catch (error) {
    if (isDomainError(error)) return { caller: null, authError: error };
    throw error;
  }
}

/** A caller-supplied request id is kept only when short and plain (it ends up in logs). */
function sanitizeRequestId(value: string | undefined | null): string | undefined {
  return value && /^[\w.:-]{1,128}$/.test(value) ? value : undefined;
}
