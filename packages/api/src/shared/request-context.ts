import type { Config } from '@coupons/config';
import type { LiveEvents, ServiceContext, WebhookSettings } from '@coupons/core';
import type { Loaders } from './loaders.ts';

/**
 * What every resolver receives as `@Ctx()`. Resolvers pass `ctx.service` to core services and use
 * `ctx.loaders` for nested fields. Built once per HTTP request, or once per graphql-ws operation.
 */
export interface RequestContext {
  /** The caller, database and clock every core service takes first. */
  service: ServiceContext;
  /** Per-request DataLoaders (see shared/loaders.ts). */
  loaders: Loaders;
  /** From a sane `x-request-id` header, else a fresh UUID; echoed back and logged. */
  requestId: string;
  /** The client's address (behind a proxy on a private network: from `X-Forwarded-For`). */
  ip: string;
  /**
   * Set when a token was presented but rejected (tampered, expired, wrong issuer, revoked, of a
   * deleted user …), or could not be checked (the database is away). The authChecker throws it on
   * every field that is not `@Public()`: a bad token is never silently treated as anonymous.
   */
  authError: Error | null;
  /** The validated configuration (JWT settings, rate limits …). */
  config: Config;
  /** The process's live events (subscriptions); absent in a server started without them. */
  live?: LiveEvents;
  /** The mutation rate limit every root Mutation field but login/register passes first. */
  rateLimits?: MutationRateLimits;
  /** Tells this process's WebSocket server that a user's sessions changed (re-check them now). */
  onSessionsChanged?: (userId: string) => void;
  /** The HTTP request's cookies (the refresh token); absent over graphql-ws. */
  cookies?: RequestCookies;
  /** Webhook settings, and a nudge for this process's sender (a test or redelivery is due now). */
  webhooks?: WebhookRuntime;
}

/** What webhook resolvers need of the server (server/api-server.ts provides it). */
export interface WebhookRuntime {
  settings: WebhookSettings;
  /** Runs a delivery round soon in this process (a no-op where this process does not send). */
  wake(): void;
}

/**
 * The request's cookies and its response's `Set-Cookie` (HTTP only; implemented by
 * auth/session-cookie.ts). Every cookie set is HttpOnly, SameSite=Strict and scoped to the GraphQL
 * path; `maxAgeSeconds` 0 deletes it.
 */
export interface RequestCookies {
  get(name: string): string | undefined;
  set(name: string, value: string, maxAgeSeconds: number): void;
}

/**
 * The per-request mutation rate limit (implemented by server/mutation-rate-limit.ts; declared
 * here, beside the context that carries it, so the context does not depend on the server).
 */
export interface MutationRateLimits {
  /**
   * Counts one mutation for the caller (when signed in) and for the client address: `undefined`
   * when admitted at once, a promise when it waits for the shared count, RATE_LIMITED when over.
   */
  admit(ctx: Pick<RequestContext, 'ip' | 'service'>): Promise<unknown> | undefined;
  /** Sends the counts not yet in PostgreSQL (shutdown). */
  close(): Promise<void>;
  /** The limit on failed by-code claims (server/code-guess-limit.ts). */
  codeGuesses?: CodeGuessLimits;
}

/** Failed by-code claims per shopper and per address (code probing). */
export interface CodeGuessLimits {
  /** Runs `claim` unless the caller's failures reached the limit (then RATE_LIMITED); counts its failure. */
  claim<T>(ctx: RequestContext, claim: () => Promise<T> | T, customerId?: unknown): Promise<T>;
}
