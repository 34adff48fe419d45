import type { Config } from '@coupons/config';
import { type Clock, consumeRateLimit, DomainError, isDomainError } from '@coupons/core';
import { defaultFieldResolver, type GraphQLSchema } from 'graphql';
import { recordCodeGuess } from '../observability/index.ts';
import type { CodeGuessLimits, RequestContext } from '../shared/request-context.ts';

/** The root field claimed by code: the one by-code operation that may answer about a free code. */
const CLAIM_BY_CODE = 'assignCoupon';

/**
 * Answers of a by-code claim that count as a failed guess: no such code (or, since codes cannot
 * be probed, someone else's), a code that is not free, a code the caller may not claim.
 */
const FAILED_CLAIM: ReadonlySet<string> = new Set(['NOT_FOUND', 'INVALID_STATE', 'FORBIDDEN']);

interface Counter {
  windowStart: number;
  /** Failures of this window in PostgreSQL (every instance's) as of this instance's last failure. */
  failures: number;
  /** Claims admitted here and still running: each may yet fail. */
  inFlight: number;
}

const EVICT_EVERY_MS = 1000;

/**
 * `CODE_GUESS_RATE_LIMIT` failed by-code claims per shopper and `CODE_GUESS_IP_RATE_LIMIT` per
 * client address in each `CODE_GUESS_WINDOW_SECONDS` window. A claim is refused up front (before
 * the lookup, so a refused guess learns nothing) while the failures already counted plus the claims
 * still running reach the limit; a failure is added to a shared counter in PostgreSQL
 * (`rate_limit_bucket`, one upsert per key, on failures only: a successful claim costs no extra
 * round trip) and the total comes back as this instance's view.
 *
 * Exact on one instance, even for a burst of concurrent guesses (running claims count). With N
 * instances, one that has not yet seen a key's failures may admit up to the limit before its own
 * first failure tells it the total: at most N × the limit in a window.
 */
export class CodeGuessLimiter implements CodeGuessLimits {
  private readonly counters = new Map<string, Counter>();
  private readonly windowMs: number;
  private lastEviction = 0;

  constructor(
    private readonly deps: {
      clock: Clock;
      windowSeconds: number;
      perUser: number;
      perAddress: number;
    },
  ) {
    this.windowMs = deps.windowSeconds * 1000;
  }

  async claim<T>(ctx: RequestContext, run: () => Promise<T> | T, customerId?: unknown): Promise<T> {
    const caller = ctx.service.caller;
    // A shop backend's key claims for its customers from one address: each customer is counted
    // as a shopper would be, and the address is not (it is every customer's).
    const keys: Array<[string, number]> = caller?.apiKey
      ? typeof customerId === 'string'
        ? [[`code-guess:customer:${caller.apiKey.id}:${customerId}`, this.deps.perUser]]
        : []
      : [
          [`code-guess:user:${caller?.userId}`, this.deps.perUser],
          [`code-guess:ip:${normalizeAddress(ctx.ip)}`, this.deps.perAddress],
        ];
    // Admins see every code anyway; anonymous callers are refused by the access check.
    if (!caller || (caller.role === 'ADMIN' && !caller.apiKey) || keys.length === 0) return run();
    const now = this.deps.clock.now().getTime();
    this.evictPastWindows(now);
    const counters = keys.map(([key]) => this.counterFor(key, now));
    const full = counters.findIndex((counter, i) => counter.failures + counter.inFlight >= keys[i][1]);
    if (full >= 0) {
      recordCodeGuess('RATE_LIMITED');
      const retryAfterSeconds = Math.max(1, Math.ceil((counters[full].windowStart + this.windowMs - now) / 1000));
      throw new DomainError('RATE_LIMITED', `Too many failed claims by code; try again in ${retryAfterSeconds} s`, { retryAfterSeconds });
    }
    for (const counter of counters) counter.inFlight++;
    try {
      const result = await run();
      for (const counter of counters) counter.inFlight--;
      return result;
    } catch (error) {
      for (const counter of counters) counter.inFlight--;
      if (isDomainError(error) && FAILED_CLAIM.has(error.code)) {
        recordCodeGuess(error.code);
        await this.countFailure(ctx, keys, counters);
      }
      throw error;
    }
  }

  /** Adds the failure to the shared counters; a database hiccup here must not hide the answer. */
  private async countFailure(ctx: RequestContext, keys: Array<[string, number]>, counters: Counter[]): Promise<void> {
    await Promise.all(
      keys.map(async ([key], i) => {
        const counter = counters[i];
        counter.failures++;
        try {
          const usage = await consumeRateLimit(ctx.service, key, Number.MAX_SAFE_INTEGER, this.deps.windowSeconds);
          if (usage.resetsAt.getTime() - this.windowMs === counter.windowStart) counter.failures = Math.max(counter.failures, usage.count);
        } catch {
          // Keep the local count: the limit still holds on this instance.
        }
      }),
    );
  }

  private counterFor(key: string, now: number): Counter {
    const windowStart = Math.floor(now / this.windowMs) * this.windowMs;
    let counter = this.counters.get(key);
    if (!counter) {
      counter = { windowStart, failures: 0, inFlight: 0 };
      this.counters.set(key, counter);
    } else if (counter.windowStart !== windowStart) {
      counter.windowStart = windowStart;
      counter.failures = 0;
    }
    return counter;
  }

  /** Memory follows activity: keys of past windows with nothing running are forgotten. */
  private evictPastWindows(now: number): void {
    if (now - this.lastEviction < EVICT_EVERY_MS && this.lastEviction <= now) return;
    this.lastEviction = now;
    for (const [key, counter] of this.counters) {
      if (counter.inFlight === 0 && counter.windowStart + this.windowMs <= now) this.counters.delete(key);
    }
  }
}

/** The limiter of a server, from its config. */
export function createCodeGuessLimiter(deps: { config: Config; clock: Clock }): CodeGuessLimiter {
  return new CodeGuessLimiter({
    clock: deps.clock,
    windowSeconds: deps.config.CODE_GUESS_WINDOW_SECONDS,
    perUser: deps.config.CODE_GUESS_RATE_LIMIT,
    perAddress: deps.config.CODE_GUESS_IP_RATE_LIMIT,
  });
}

const wrapped = new WeakSet<GraphQLSchema>();

/**
 * Puts the code-guess limit in front of `assignCoupon`, for HTTP and graphql-ws alike. As with
 * the mutation limit, the limiter comes from each request's context (`rateLimits.codeGuesses`):
 * the schema is shared by every server in the process.
 */
export function limitCodeGuesses(schema: GraphQLSchema): void {
  if (wrapped.has(schema)) return;
  wrapped.add(schema);
  const field = schema.getMutationType()?.getFields()[CLAIM_BY_CODE];
  if (!field) return;
  const resolve = field.resolve ?? defaultFieldResolver;
  field.resolve = (source, args, context: RequestContext, info) => {
    const limiter = context.rateLimits?.codeGuesses;
    const run = () => resolve(source, args, context, info);
    return limiter ? limiter.claim(context, run, (args as { customerId?: unknown }).customerId) : run();
  };
}

/** `::ffff:10.1.2.3` and `10.1.2.3` are one client: count them under one key. */
function normalizeAddress(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}
