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
};

function refuse(retryAfterSeconds: number): DomainError {
  const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
  return new DomainError('RATE_LIMITED', `Too many attempts; try again in ${seconds} s`, { retryAfterSeconds: seconds });
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
 * Nothing here is spent by an attacker at another address except the per-email cap, and that one
 * never refuses an address that has not failed on the email: an owner cannot be locked out.
 */
export async function admitLogin(
  ctx: ServiceContext,
  attempt: { email: string; ip: string | undefined; proof?: string },
  limits: SignInLimits,
  challenge?: SignInChallenge,
): Promise<void> {
  const ip = attempt.ip ?? NO_ADDRESS;
  const { email } = attempt;
  await Promise.all([
    attempt.ip ? consumeRateLimit(ctx, keys.address(ip), limits.perAddress, limits.windowSeconds) : undefined,
    consumeRateLimit(ctx, keys.pair(email, ip), limits.perEmailAndAddress, limits.windowSeconds),
  ]);
  const now = ctx.clock.now().getTime();
  const windowMs = limits.windowSeconds * 1000;
  const windowStart = Math.floor(now / windowMs) * windowMs;
  const rows = await ctx.db.prisma.$queryRaw<Array<{ key: string; count: number; window_start: Date }>>(Prisma.sql`
    SELECT key, count, window_start FROM rate_limit_bucket
    WHERE key IN (${keys.streak(email, ip)}, ${keys.emailFailures(email)})`);
  const streak = rows.find((r) => r.key === keys.streak(email, ip));
  const failures = rows.find((r) => r.key === keys.emailFailures(email));
  const streakLength = Number(streak?.count ?? 0);

  const after = limits.backoffAfterFailures ?? DEFAULT_BACKOFF_AFTER_FAILURES;
  if (streak && streakLength >= after) {
    const waitSeconds = Math.min(limits.backoffMaxSeconds ?? DEFAULT_BACKOFF_MAX_SECONDS, 2 ** (streakLength - after));
    const allowedAt = new Date(streak.window_start).getTime() + waitSeconds * 1000;
    if (now < allowedAt) throw refuse((allowedAt - now) / 1000);
  }
  const emailFailures = failures && new Date(failures.window_start).getTime() === windowStart ? Number(failures.count) : 0;
  if (streakLength > 0 && emailFailures >= limits.perEmailFailures) {
    const passed = challenge ? await challenge.verify({ email, ip, proof: attempt.proof }) : false;
    if (!passed) throw refuse((windowStart + windowMs - now) / 1000);
  }
}

/**
 * Records a failed login: the (email, address) streak grows (its back-off with it) and the email's
 * failures in this window count toward the per-email cap. One statement for both rows.
 */
export async function recordLoginFailure(
  ctx: ServiceContext,
  attempt: { email: string; ip: string | undefined },
  limits: Pick<SignInLimits, 'windowSeconds'>,
): Promise<void> {
  const now = ctx.clock.now();
  const windowMs = limits.windowSeconds * 1000;
  const windowStart = new Date(Math.floor(now.getTime() / windowMs) * windowMs);
  const ip = attempt.ip ?? NO_ADDRESS;
  // Rows are written in key order ('login:email-failures' < 'login:streak'), so two failures
  // recorded at once cannot deadlock. The streak keeps counting across windows (window_start is
  // the last failure); the email's count restarts with each window.
  await ctx.db.prisma.$executeRaw(Prisma.sql`
    INSERT INTO rate_limit_bucket AS b (key, window_start, count)
    VALUES (${keys.emailFailures(attempt.email)}, ${windowStart}, 1), (${keys.streak(attempt.email, ip)}, ${now}, 1)
    ON CONFLICT (key) DO UPDATE SET
      count = CASE WHEN b.key LIKE 'login:streak:%' OR b.window_start >= EXCLUDED.window_start THEN b.count + 1 ELSE 1 END,
      window_start = GREATEST(b.window_start, EXCLUDED.window_start)`);
}

/** A successful login clears its (email, address) streak: the back-off starts over. */
export async function recordLoginSuccess(ctx: ServiceContext, attempt: { email: string; ip: string | undefined }): Promise<void> {
  await ctx.db.prisma.$executeRaw(Prisma.sql`
    DELETE FROM rate_limit_bucket WHERE key = ${keys.streak(attempt.email, attempt.ip ?? NO_ADDRESS)}`);
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
