import type { Config } from '@coupons/config';
import { BatchedRateLimiter, type Clock } from '@coupons/core';
import type { Database } from '@coupons/db';
import { defaultFieldResolver, type GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import type { MutationRateLimits, RequestContext } from '../shared/request-context.ts';
import { createCodeGuessLimiter } from './code-guess-limit.ts';

export type { MutationRateLimits } from '../shared/request-context.ts';

/**
 * Root Mutation fields left out: they have limits of their own, counted exactly in PostgreSQL
 * before any work (login per email and per address, register per address; core auth service).
 */
const OWN_LIMITS: ReadonlySet<string> = new Set(['login', 'register']);

/**
 * `MUTATION_RATE_LIMIT` mutations per `MUTATION_RATE_WINDOW_SECONDS` per user, and
 * `MUTATION_IP_RATE_LIMIT` (default: the same) per client address, counted in PostgreSQL through
 * a {@link BatchedRateLimiter}: no database round trip on the request path, exact on one
 * instance, and at most 5 % over the limit per additional instance (see the limiter's TSDoc and
 * docs/operations.md, "Rate limits").
 */
export function createMutationRateLimits(deps: { config: Config; db: Database; clock: Clock; logger: Logger }): MutationRateLimits {
  const { config } = deps;
  const perUser = config.MUTATION_RATE_LIMIT;
  const perAddress = config.MUTATION_IP_RATE_LIMIT ?? perUser;
  const limiter = new BatchedRateLimiter({
    pool: deps.db.pool,
    clock: deps.clock,
    windowSeconds: config.MUTATION_RATE_WINDOW_SECONDS,
    onError: (err) => deps.logger.warn({ err }, 'Rate-limit sync failed; mutations are let through meanwhile'),
  });
  return {
    admit(ctx) {
      const caller = ctx.service.caller;
      // A shop backend's key speaks for many customers from one address: it has its own, larger
      // budget, and its address is not counted (it would throttle the shop, not an attacker).
      if (caller?.apiKey) return limiter.admit(`mutation:key:${caller.apiKey.id}`, config.API_KEY_RATE_LIMIT);
      // The user first: a caller over their own limit should not use up their address's budget.
      const byUser = caller ? limiter.admit(`mutation:user:${caller.userId}`, perUser) : undefined;
      let byAddress: Promise<void> | undefined;
      try {
        byAddress = limiter.admit(`mutation:ip:${normalizeAddress(ctx.ip)}`, perAddress);
      } catch (error) {
        byUser?.catch(() => {}); // refused anyway: do not leave the other wait unhandled
        throw error;
      }
      if (!byUser) return byAddress;
      if (!byAddress) return byUser;
      return Promise.all([byUser, byAddress]);
    },
    close: () => limiter.close(),
    codeGuesses: createCodeGuessLimiter(deps),
  };
}

const limited = new WeakSet<GraphQLSchema>();

/**
 * Puts the rate limit in front of every root Mutation field but login and register, for HTTP and
 * graphql-ws alike (both execute this schema). The schema is built once per process and shared by
 * every server in it, so the limiter is taken from each request's context, not captured here.
 * Wrapping the root fields costs nothing on queries and on nested fields.
 */
export function limitMutations(schema: GraphQLSchema): void {
  if (limited.has(schema)) return;
  limited.add(schema);
  for (const field of Object.values(schema.getMutationType()?.getFields() ?? {})) {
    if (OWN_LIMITS.has(field.name)) continue;
    const resolve = field.resolve ?? defaultFieldResolver;
    field.resolve = (source, args, context: RequestContext, info) => {
      const waiting = context.rateLimits?.admit(context);
      return waiting ? waiting.then(() => resolve(source, args, context, info)) : resolve(source, args, context, info);
    };
  }
}

/** `::ffff:10.1.2.3` and `10.1.2.3` are one client: count them under one key. */
function normalizeAddress(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}
