import type { Database } from '@coupons/db';
import { unauthenticated } from './errors.ts';

export type Role = 'ADMIN' | 'USER';

/** What an API key may do: read coupons, act on customers' coupons, or what an admin may do. */
export type ApiKeyScope = 'COUPONS_READ' | 'COUPONS_WRITE' | 'ADMIN';

/**
 * Who is calling: a person from a verified JWT, or a shop backend from an API key. A key speaks
 * with the authority of the admin who made it (`userId`, role ADMIN: actions are attributed to
 * them), narrowed to its `scopes` — which the API's authChecker enforces per field and
 * {@link requireAdmin} again in the services.
 */
export interface Caller {
  userId: string;
  role: Role;
  email?: string;
  /** Set when the caller is an API key. */
  apiKey?: { id: string; name: string; scopes: readonly ApiKeyScope[] };
  /**
   * Set when a key or an admin acts for a shop's customer (`userId`): the shop's id of them, and
   * whether an admin had disabled them when the request began (writes refuse them; reads answer).
   */
  customer?: { externalId: string; disabled: boolean };
}

/** Time is injected so lock expiry can be tested without sleeping. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/**
 * Announces committed CouponEvent rows (the outbox) to live subscribers. Services call it only
 * after their transaction has committed, so nobody hears of a rolled-back change. A lost
 * announcement costs a delay, not an event: listeners catch up from the table by id.
 * (Declared here, beside the context that carries it; events/announcer.ts implements the call.)
 */
export interface EventAnnouncer {
  announce(eventIds: readonly string[]): void;
}

/**
 * What every service function takes first: the caller, the database, the clock.
 * Services re-check authorization on objects (is this *your* coupon); roles on root fields are
 * checked by the API's authChecker.
 */
export interface ServiceContext {
  db: Database;
  caller: Caller | null;
  clock: Clock;
  requestId?: string;
  /** How long idempotency keys are remembered (default 24 h; `IDEMPOTENCY_TTL_HOURS`). */
  idempotencyLifetimeMs?: number;
  /** Hears of committed CouponEvent ids (live events); absent in tools and some tests. */
  events?: EventAnnouncer;
}

/** The caller, or UNAUTHENTICATED. */
export function requireCaller(ctx: ServiceContext): Caller {
  if (!ctx.caller) throw unauthenticated();
  return ctx.caller;
}
