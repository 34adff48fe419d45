import { setTimeout as sleep } from 'node:timers/promises';
import { Prisma } from '@coupons/db';
import type { ServiceContext } from '../shared/context.ts';
import { DomainError } from '../shared/errors.ts';
import { consumeRateLimit } from './rate-limit.service.ts';

/**
 * The limits on the two doors a script hammers, login and register (docs/SECURITY.md,
 * docs/operations.md "Rate limits"). All counters live in `rate_limit_bucket`, exact across
 * instances; windows are fixed, of `windowSeconds`.
 */
export interface SignInLimits {
  windowSeconds: number;
  /** Attempts per (email, address): the strict bucket, and registrations per address. */
  perEmailAndAddress: number;
  /** Login attempts per address, across emails (password spraying, argon2 cost). */
  perAddress: number;
  /** Failed logins per email across addresses: the cap that bounds a distributed guesser. */
  perEmailFailures: number;
  /** Registrations per window from every address together. */
  registrationsGlobal: number;
  /** Consecutive failures on one (email, address) that cost nothing extra; then 1 s, 2 s, 4 s … */
  backoffAfterFailures?: number;
  /** The longest back-off (default 900 s). */
  backoffMaxSeconds?: number;
}

/**
 * The seam for a human check (a CAPTCHA): not implemented here. When an attempt would be refused
 * by the per-email cap (the only limit an attacker elsewhere can push an owner into), a configured
 * challenge may let it through instead, e.g. by verifying a solved CAPTCHA token with its
 * provider. Without one, the refusal stands.
 */
export interface SignInChallenge {
  /** `true` lets this attempt through to the password check. `proof` is what the client sent. */
  verify(attempt: { email: string; ip: string; proof: string | undefined }): Promise<boolean>;
}

export const DEFAULT_BACKOFF_AFTER_FAILURES = 5;
export const DEFAULT_BACKOFF_MAX_SECONDS = 900;

const NO_ADDRESS = 'unknown';

// Keys: the address comes before the email, and never holds '|', so two pairs cannot collide.
const keys = {
  address: (ip: string) => `login:ip:${ip}`,
  pair: (email: string, ip: string) => `login:pair:${ip}|${email}`,
  /** count = consecutive failures, window_start = the last one (pruned a day after it). */
  streak: (email: string, ip: string) => `login:streak:${ip}|${email}`,
  emailFailures: (email: string) => `login:email-failures:${email}`,
  /** count = attempts let in and not yet answered, window_start = the last one let in. */
  pairInFlight: (email: string, ip: string) => `login:in-flight:${ip}|${email}`,
  emailInFlight: (email: string) => `login:email-in-flight:${email}`,
};

/** An attempt in flight this long (a crashed instance's) no longer holds anyone up. */
const IN_FLIGHT_EXPIRES_MS = 30_000;
/** How often an attempt whose answer hangs on others' outcomes looks again, and for how long. */
const IN_DOUBT_POLL_MS = 15;
const IN_DOUBT_MAX_MS = 10_000;

function refuse(retryAfterSeconds: number): DomainError {
  const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
  return new DomainError('RATE_LIMITED', `Too many attempts; try again in ${seconds} s`, { retryAfterSeconds: seconds });
}

/** A login attempt let in by {@link admitLogin}: settle it exactly once with {@link settleLogin}. */
export interface AdmittedLogin {
  readonly email: string;
  readonly ip: string;
}

/** How an admitted attempt ended: `abandoned` is neither (it failed before the password was judged). */
export type LoginOutcome = 'failed' | 'succeeded' | 'abandoned';

/** What the limits see of one (email, address) and its email, in flight counted apart. */
interface LoginState {
  streak: number;
  lastFailureAt: number | undefined;
  emailFailures: number;
  pairInFlight: number;
  emailInFlight: number;
}

type Verdict = { admit: true } | { admit: false; retryAfterSeconds: number; byCap: boolean; inDoubt: boolean };
type Limit = { admit: true } | { admit: false; retryAfterSeconds: number; byCap: boolean };

/**
 * The limits' answer for one attempt. Attempts in flight count twice over: as if they all fail
 * (the most any order of their outcomes could refuse) and as if they all succeed (the least).
 * If the first lets the attempt in, every serial order does; if the second refuses, every serial
 * order does. Otherwise the answer hangs on their outcomes (`inDoubt`): wait, and judge again.
 */
function judge(state: LoginState, now: number, windowStart: number, limits: SignInLimits): Verdict {
  const ifTheyFail = applyLimits(
    { streak: state.streak + state.pairInFlight, lastFailureAt: state.pairInFlight > 0 ? now : state.lastFailureAt, emailFailures: state.emailFailures + state.emailInFlight },
    now,
    windowStart,
    limits,
  );
  if (ifTheyFail.admit) return ifTheyFail;
  const ifTheySucceed = applyLimits(
    state.pairInFlight > 0 ? { streak: 0, lastFailureAt: undefined, emailFailures: state.emailFailures } : state,
    now,
    windowStart,
    limits,
  );
  return ifTheySucceed.admit ? { ...ifTheyFail, inDoubt: true } : { ...ifTheySucceed, inDoubt: false };
}

/** Back-off on the (email, address) streak, then the per-email cap, on recorded outcomes. */
function applyLimits(
  seen: { streak: number; lastFailureAt: number | undefined; emailFailures: number },
  now: number,
  windowStart: number,
  limits: SignInLimits,
): Limit {
  const after = limits.backoffAfterFailures ?? DEFAULT_BACKOFF_AFTER_FAILURES;
  if (seen.lastFailureAt !== undefined && seen.streak >= after) {
    const waitSeconds = Math.min(limits.backoffMaxSeconds ?? DEFAULT_BACKOFF_MAX_SECONDS, 2 ** (seen.streak - after));
    const allowedAt = seen.lastFailureAt + waitSeconds * 1000;
    if (now < allowedAt) return { admit: false, retryAfterSeconds: (allowedAt - now) / 1000, byCap: false };
  }
  if (seen.streak > 0 && seen.emailFailures >= limits.perEmailFailures) {
    return { admit: false, retryAfterSeconds: (windowStart + limits.windowSeconds * 1000 - now) / 1000, byCap: true };
  }
  return { admit: true };
}

/**
 * Admits one login attempt before the password is checked, or throws RATE_LIMITED with
 * `retryAfterSeconds`. In order:
 *
 * 1. per address (every attempt, any email) and per (email, address) (every attempt): counted
 *    first, so concurrent guesses cannot slip past (one upsert each serialises on its row);
 * 2. back-off on (email, address): after `backoffAfterFailures` consecutive failures, the next
 *    attempt waits 1 s, then 2 s, 4 s … up to `backoffMaxSeconds`; a success clears it;
 * 3. the per-email cap: once `perEmailFailures` failures hit the email in this window, only
 *    addresses without a failure streak on it are still heard. The owner at a fresh address (or
 *    one where they last signed in) gets through; a guesser gets one try per new address.
 *
 * Attempts sent together get the answers of some serial order. The back-off and the cap hang on
 * outcomes that are known only after the password check (~100 ms of argon2), so each admitted
 * attempt is counted *in flight* until {@link settleLogin}, and an attempt is judged as if those
 * all fail ({@link judge}): let in if that admits it, refused if the refusal stands without them,
 * and otherwise it waits for their outcomes and is judged again, as if it came after them. The
 * judgement and the count in flight are one transaction holding the email's lock, so no two
 * attempts on an email are judged on the same state.
 *
 * Nothing here is spent by an attacker at another address except the per-email cap, and that one
 * never refuses (nor holds up) an address that has not failed on the email: an owner cannot be
 * locked out.
 */
export async function admitLogin(
  ctx: ServiceContext,
  attempt: { email: string; ip: string | undefined; proof?: string },
  limits: SignInLimits,
  challenge?: SignInChallenge,
): Promise<AdmittedLogin> {
  const ip = attempt.ip ?? NO_ADDRESS;
  const admitted: AdmittedLogin = { email: attempt.email, ip };
  await Promise.all([
    attempt.ip ? consumeRateLimit(ctx, keys.address(ip), limits.perAddress, limits.windowSeconds) : undefined,
    consumeRateLimit(ctx, keys.pair(admitted.email, ip), limits.perEmailAndAddress, limits.windowSeconds),
  ]);
  const giveUpAt = performance.now() + IN_DOUBT_MAX_MS;
  for (;;) {
    const verdict = await ctx.db.prisma.$transaction(async (tx) => {
      const now = ctx.clock.now().getTime();
      const windowMs = limits.windowSeconds * 1000;
      const windowStart = Math.floor(now / windowMs) * windowMs;
      await lockEmail(tx, admitted.email);
      const verdict = judge(await readState(tx, admitted, now, windowStart), now, windowStart, limits);
      if (verdict.admit) await countInFlight(tx, admitted, new Date(now));
      return verdict;
    });
    if (verdict.admit) return admitted;
    if (!verdict.inDoubt) {
      if (verdict.byCap && challenge && (await challenge.verify({ email: admitted.email, ip, proof: attempt.proof }))) {
        await ctx.db.prisma.$transaction(async (tx) => {
          await lockEmail(tx, admitted.email);
          await countInFlight(tx, admitted, ctx.clock.now());
        });
        return admitted;
      }
      throw refuse(verdict.retryAfterSeconds);
    }
    // Attempts in flight end within the password check; one that never ends (its instance died)
    // expires after IN_FLIGHT_EXPIRES_MS. Waiting that long is worse than asking to come back.
    if (performance.now() > giveUpAt) throw refuse(1);
    await sleep(IN_DOUBT_POLL_MS);
  }
}

/**
 * Records how an admitted attempt ended and takes it out of flight, in one transaction under the
 * email's lock, so an attempt judged meanwhile sees it either in flight or settled, never neither.
 * A failure grows the (email, address) streak (its back-off with it) and counts toward the
 * email's cap in this window; a success clears the streak; an abandoned attempt only leaves.
 */
export async function settleLogin(
  ctx: ServiceContext,
  admitted: AdmittedLogin,
  outcome: LoginOutcome,
  limits: Pick<SignInLimits, 'windowSeconds'>,
): Promise<void> {
  const now = ctx.clock.now();
  const windowMs = limits.windowSeconds * 1000;
  const windowStart = new Date(Math.floor(now.getTime() / windowMs) * windowMs);
  const { email, ip } = admitted;
  await ctx.db.prisma.$transaction(async (tx) => {
    await lockEmail(tx, email);
    await tx.$executeRaw(Prisma.sql`
      UPDATE rate_limit_bucket SET count = GREATEST(count - 1, 0)
      WHERE key IN (${keys.pairInFlight(email, ip)}, ${keys.emailInFlight(email)})`);
    if (outcome === 'failed') {
      // The streak keeps counting across windows (window_start is the last failure); the email's
      // count restarts with each window.
      await tx.$executeRaw(Prisma.sql`
        INSERT INTO rate_limit_bucket AS b (key, window_start, count)
        VALUES (${keys.emailFailures(email)}, ${windowStart}, 1), (${keys.streak(email, ip)}, ${now}, 1)
        ON CONFLICT (key) DO UPDATE SET
          count = CASE WHEN b.key LIKE 'login:streak:%' OR b.window_start >= EXCLUDED.window_start THEN b.count + 1 ELSE 1 END,
          window_start = GREATEST(b.window_start, EXCLUDED.window_start)`);
    } else if (outcome === 'succeeded') {
      await tx.$executeRaw(Prisma.sql`DELETE FROM rate_limit_bucket WHERE key = ${keys.streak(email, ip)}`);
    }
  });
}

/**
 * Every judgement and settlement of an email's attempts holds this lock until its transaction
 * ends (a transaction-scoped advisory lock: nothing to clean up, and fine behind PgBouncer's
 * transaction pooling). It orders the writes to the email's rows too, so they cannot deadlock.
 */
async function lockEmail(tx: Prisma.TransactionClient, email: string): Promise<void> {
  await tx.$executeRaw(Prisma.sql`SELECT pg_advisory_xact_lock(hashtextextended(${`login:${email}`}, 0))`);
}

async function readState(tx: Prisma.TransactionClient, admitted: AdmittedLogin, now: number, windowStart: number): Promise<LoginState> {
  const { email, ip } = admitted;
  const rows = await tx.$queryRaw<Array<{ key: string; count: number; window_start: Date }>>(Prisma.sql`
    SELECT key, count, window_start FROM rate_limit_bucket
    WHERE key IN (${keys.streak(email, ip)}, ${keys.emailFailures(email)}, ${keys.pairInFlight(email, ip)}, ${keys.emailInFlight(email)})`);
  const row = (key: string) => rows.find((r) => r.key === key);
  const inFlight = (key: string) => {
    const found = row(key);
    return found && new Date(found.window_start).getTime() > now - IN_FLIGHT_EXPIRES_MS ? Number(found.count) : 0;
  };
  const streak = row(keys.streak(email, ip));
  const failures = row(keys.emailFailures(email));
  return {
    streak: Number(streak?.count ?? 0),
    lastFailureAt: streak ? new Date(streak.window_start).getTime() : undefined,
    emailFailures: failures && new Date(failures.window_start).getTime() === windowStart ? Number(failures.count) : 0,
    pairInFlight: inFlight(keys.pairInFlight(email, ip)),
    emailInFlight: inFlight(keys.emailInFlight(email)),
  };
}

/** One more attempt in flight on its pair and its email; counts left by a dead instance restart. */
async function countInFlight(tx: Prisma.TransactionClient, admitted: AdmittedLogin, now: Date): Promise<void> {
  const expired = new Date(now.getTime() - IN_FLIGHT_EXPIRES_MS);
  await tx.$executeRaw(Prisma.sql`
    INSERT INTO rate_limit_bucket AS b (key, window_start, count)
    VALUES (${keys.emailInFlight(admitted.email)}, ${now}, 1), (${keys.pairInFlight(admitted.email, admitted.ip)}, ${now}, 1)
    ON CONFLICT (key) DO UPDATE SET
      count = CASE WHEN b.window_start > ${expired} THEN b.count + 1 ELSE 1 END,
      window_start = GREATEST(b.window_start, EXCLUDED.window_start)`);
}

/**
 * Admits one registration or throws RATE_LIMITED: `perEmailAndAddress` per address (each one
 * costs an argon2 hash, and each answer says whether an email is taken), then
 * `registrationsGlobal` from every address together, which bounds how fast anyone, from however
 * many addresses, can learn which emails have accounts. The address is counted first, so an
 * address over its own limit does not spend the global budget.
 */
export async function admitRegistration(ctx: ServiceContext, ip: string | undefined, limits: SignInLimits): Promise<void> {
  if (ip) await consumeRateLimit(ctx, `register:ip:${ip}`, limits.perEmailAndAddress, limits.windowSeconds);
  await consumeRateLimit(ctx, 'register:global', limits.registrationsGlobal, limits.windowSeconds);
}
