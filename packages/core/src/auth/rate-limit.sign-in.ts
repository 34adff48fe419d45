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
 * What {@link admitLogin} holds for an attempt it let in, for {@link recordLoginFailure} and
 * {@link recordLoginSuccess} to settle.
 */
export interface LoginAdmission {
  /**
   * The per-email cap's window in which this attempt already holds a failure's place (an attempt
   * from an address with a streak on the email takes it when admitted); null when it holds none.
   */
  heldFailureWindow: Date | null;
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
 * Attempts sent together get what they would one after another: each takes its turn on the
 * streak's row when it is admitted (not when it has failed), in one upsert that re-checks the
 * back-off on the row's latest version, and the place it counts before it tells whether the cap
 * applies; an attempt the cap applies to takes a failure's place in the cap when admitted, in one
 * upsert that re-checks the cap (a success gives it back). Refused attempts count nowhere.
 *
 * Nothing here is spent by an attacker at another address except the per-email cap, and that one
 * never refuses an address that has not failed on the email: an owner cannot be locked out.
 */
export async function admitLogin(
  ctx: ServiceContext,
  attempt: { email: string; ip: string | undefined; proof?: string },
  limits: SignInLimits,
  challenge?: SignInChallenge,
): Promise<LoginAdmission> {
  const ip = attempt.ip ?? NO_ADDRESS;
  const { email } = attempt;
  await Promise.all([
    attempt.ip ? consumeRateLimit(ctx, keys.address(ip), limits.perAddress, limits.windowSeconds) : undefined,
    consumeRateLimit(ctx, keys.pair(email, ip), limits.perEmailAndAddress, limits.windowSeconds),
  ]);
  const now = ctx.clock.now().getTime();
  const windowMs = limits.windowSeconds * 1000;
  const windowStart = new Date(Math.floor(now / windowMs) * windowMs);
  const after = limits.backoffAfterFailures ?? DEFAULT_BACKOFF_AFTER_FAILURES;
  const maxSeconds = limits.backoffMaxSeconds ?? DEFAULT_BACKOFF_MAX_SECONDS;
  const streakKey = keys.streak(email, ip);

  // The streak: joined unless the back-off holds on the row's latest version (an attempt
  // admitted meanwhile wrote its count and time first: the upsert waits for its row lock).
  const joined = await ctx.db.prisma.$queryRaw<Array<{ count: number }>>(Prisma.sql`
    INSERT INTO rate_limit_bucket AS b (key, window_start, count) VALUES (${streakKey}, ${new Date(now)}, 1)
    ON CONFLICT (key) DO UPDATE SET count = b.count + 1, window_start = GREATEST(b.window_start, EXCLUDED.window_start)
    WHERE b.count < ${after}
       OR b.window_start + LEAST(${maxSeconds}::float8, power(2, b.count - ${after}::int)) * interval '1 second' <= EXCLUDED.window_start
    RETURNING b.count`);
  if (joined.length === 0) {
    const [latest] = await ctx.db.prisma.$queryRaw<Array<{ count: number; window_start: Date }>>(Prisma.sql`
      SELECT count, window_start FROM rate_limit_bucket WHERE key = ${streakKey}`);
    const waitSeconds = latest ? Math.min(maxSeconds, 2 ** (Number(latest.count) - after)) : 0;
    throw refuse(latest ? (new Date(latest.window_start).getTime() + waitSeconds * 1000 - now) / 1000 : 1);
  }
  // A first attempt from this address on this email: the cap never applies.
  if (Number(joined[0].count) === 1) return { heldFailureWindow: null };

  // The cap: a failure's place taken now, unless the window's count is full on its latest version.
  const held = await ctx.db.prisma.$queryRaw<unknown[]>(Prisma.sql`
    INSERT INTO rate_limit_bucket AS b (key, window_start, count) VALUES (${keys.emailFailures(email)}, ${windowStart}, 1)
    ON CONFLICT (key) DO UPDATE SET
      count = CASE WHEN b.window_start >= EXCLUDED.window_start THEN b.count + 1 ELSE 1 END,
      window_start = GREATEST(b.window_start, EXCLUDED.window_start)
    WHERE b.window_start < EXCLUDED.window_start OR b.count < ${limits.perEmailFailures}
    RETURNING 1`);
  if (held.length > 0) return { heldFailureWindow: windowStart };
  if (challenge && (await challenge.verify({ email, ip, proof: attempt.proof }))) return { heldFailureWindow: null };
  // Not heard: the streak does not count it.
  await ctx.db.prisma.$executeRaw(Prisma.sql`UPDATE rate_limit_bucket SET count = count - 1 WHERE key = ${streakKey} AND count > 0`);
  throw refuse((windowStart.getTime() + windowMs - now) / 1000);
}

/**
 * Records a failed login: the email's failures in this window count toward the per-email cap,
 * unless the attempt already holds its place there ({@link LoginAdmission}). (The (email,
 * address) streak counted it when it was admitted.)
 */
export async function recordLoginFailure(
  ctx: ServiceContext,
  attempt: { email: string; ip: string | undefined },
  limits: Pick<SignInLimits, 'windowSeconds'>,
  admission: LoginAdmission,
): Promise<void> {
  if (admission.heldFailureWindow) return;
  const now = ctx.clock.now();
  const windowMs = limits.windowSeconds * 1000;
  const windowStart = new Date(Math.floor(now.getTime() / windowMs) * windowMs);
  // The email's count restarts with each window.
  await ctx.db.prisma.$executeRaw(Prisma.sql`
    INSERT INTO rate_limit_bucket AS b (key, window_start, count)
    VALUES (${keys.emailFailures(attempt.email)}, ${windowStart}, 1)
    ON CONFLICT (key) DO UPDATE SET
      count = CASE WHEN b.window_start >= EXCLUDED.window_start THEN b.count + 1 ELSE 1 END,
      window_start = GREATEST(b.window_start, EXCLUDED.window_start)`);
}

/**
 * A successful login clears its (email, address) streak (the back-off starts over) and gives back
 * the failure's place it held in the per-email cap, if it held one (in the window it took it in).
 */
export async function recordLoginSuccess(ctx: ServiceContext, attempt: { email: string; ip: string | undefined }, admission: LoginAdmission): Promise<void> {
  await ctx.db.prisma.$executeRaw(Prisma.sql`
    DELETE FROM rate_limit_bucket WHERE key = ${keys.streak(attempt.email, attempt.ip ?? NO_ADDRESS)}`);
  if (!admission.heldFailureWindow) return;
  await ctx.db.prisma.$executeRaw(Prisma.sql`
    UPDATE rate_limit_bucket SET count = count - 1
    WHERE key = ${keys.emailFailures(attempt.email)} AND window_start = ${admission.heldFailureWindow} AND count > 0`);
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
