import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Prisma } from '@coupons/db';
import type { ServiceContext } from '../shared/context.ts';
import { DomainError } from '../shared/errors.ts';
import type { SqlClient } from '../shared/sql.ts';
import { loginLimitKeys as keys } from '../shared/login-attempts.sql.ts';
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

/** An attempt in flight this long (a crashed instance's) no longer holds anyone up. */
const IN_FLIGHT_EXPIRES_MS = 30_000;
/** How an attempt whose answer hangs on others' outcomes looks again: 10 ms, doubling to 100 ms, for 10 s at most. */
const IN_DOUBT_FIRST_POLL_MS = 10;
const IN_DOUBT_LAST_POLL_MS = 100;
const IN_DOUBT_MAX_MS = 10_000;

function refuse(retryAfterSeconds: number): DomainError {
  const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
  return new DomainError('RATE_LIMITED', `Too many attempts; try again in ${seconds} s`, { retryAfterSeconds: seconds });
}

/** A login attempt let in by {@link admitLogin} (its `login_in_flight` row): settle it with {@link settleLogin}. */
export interface AdmittedLogin {
  readonly id: string;
  readonly email: string;
  readonly ip: string;
}

/** How an admitted attempt ended: `abandoned` is neither (it failed before the password was judged). */
export type LoginOutcome = 'failed' | 'succeeded' | 'abandoned';

/**
 * Whose attempts an attempt is judged with. An email that can name an account is judged with
 * every attempt on it (the per-email cap); the implausible email '' names none, so its attempts
 * are judged per address only, and junk from one address never holds up another's.
 */
interface Scope {
  email: string;
  ip: string;
  emailWide: boolean;
}

/** What the limits see of one (email, address) and its email, attempts in flight counted apart. */
interface LoginState {
  streak: number;
  lastFailureAt: number | undefined;
  emailFailures: number;
  pairInFlight: number;
  emailInFlight: number;
}

type Limit = { admit: true } | { admit: false; retryAfterSeconds: number; byCap: boolean };
type Verdict = { admit: true } | { admit: false; retryAfterSeconds: number; byCap: boolean; inDoubt: boolean };

/**
 * The limits' answer for one attempt. Attempts in flight count twice over: as if they all fail
 * (the most any order of their outcomes could refuse) and as if they all succeed (the least).
 * If the first lets the attempt in, every serial order does; if the second refuses, every serial
 * order does. Otherwise the answer hangs on their outcomes (`inDoubt`): wait, and judge again.
 * `capWaived`: a solved challenge lets the attempt past the per-email cap (never the back-off).
 */
function judge(state: LoginState, now: number, windowStart: number, limits: SignInLimits, capWaived: boolean): Verdict {
  const ifTheyFail = applyLimits(
    {
      streak: state.streak + state.pairInFlight,
      lastFailureAt: state.pairInFlight > 0 ? now : state.lastFailureAt,
      emailFailures: state.emailFailures + state.emailInFlight,
    },
    now,
    windowStart,
    limits,
    capWaived,
  );
  if (ifTheyFail.admit) return ifTheyFail;
  const ifTheySucceed = applyLimits(
    state.pairInFlight > 0 ? { streak: 0, lastFailureAt: undefined, emailFailures: state.emailFailures } : state,
    now,
    windowStart,
    limits,
    capWaived,
  );
  return ifTheySucceed.admit ? { ...ifTheyFail, inDoubt: true } : { ...ifTheySucceed, inDoubt: false };
}

/** Back-off on the (email, address) streak, then the per-email cap, on the outcomes given. */
function applyLimits(
  seen: { streak: number; lastFailureAt: number | undefined; emailFailures: number },
  now: number,
  windowStart: number,
  limits: SignInLimits,
  capWaived: boolean,
): Limit {
  const after = limits.backoffAfterFailures ?? DEFAULT_BACKOFF_AFTER_FAILURES;
  if (seen.lastFailureAt !== undefined && seen.streak >= after) {
    const waitSeconds = Math.min(limits.backoffMaxSeconds ?? DEFAULT_BACKOFF_MAX_SECONDS, 2 ** (seen.streak - after));
    const allowedAt = seen.lastFailureAt + waitSeconds * 1000;
    if (now < allowedAt) return { admit: false, retryAfterSeconds: (allowedAt - now) / 1000, byCap: false };
  }
  if (!capWaived && seen.streak > 0 && seen.emailFailures >= limits.perEmailFailures) {
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
 * outcomes known only after the password check (~100 ms of argon2), so an admitted attempt is
 * *in flight* (a `login_in_flight` row) until {@link settleLogin}, and the next is judged with
 * those ({@link judge}): let in, refused, or in doubt until their outcomes are known. An attempt
 * is judged first on what is committed, with no lock (a refusal needs none, and an attempt in
 * doubt waits this way, holding nothing); one that would be let in is judged again and counted in
 * flight in one transaction holding its email's lock, so no two admissions on an email are judged
 * on the same state.
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
  const scope: Scope = { email: attempt.email, ip, emailWide: attempt.email !== '' };
  await Promise.all([
    attempt.ip ? consumeRateLimit(ctx, keys.address(ip), limits.perAddress, limits.windowSeconds) : undefined,
    consumeRateLimit(ctx, keys.pair(scope.email, ip), limits.perEmailAndAddress, limits.windowSeconds),
  ]);
  const giveUpAt = performance.now() + IN_DOUBT_MAX_MS;
  let capWaived = false;
  let pollMs = IN_DOUBT_FIRST_POLL_MS;
  for (;;) {
    let verdict = await judged(ctx, ctx.db.prisma, scope, limits, capWaived);
    if (verdict.admit) {
      const id = randomUUID();
      verdict = await ctx.db.prisma.$transaction(async (tx) => {
        await lockScope(tx, scope);
        const again = await judged(ctx, tx, scope, limits, capWaived);
        if (again.admit) {
          await tx.$executeRaw(Prisma.sql`
            INSERT INTO login_in_flight (id, email, address, admitted_at) VALUES (${id}::uuid, ${scope.email}, ${ip}, ${ctx.clock.now()})`);
        }
        return again;
      });
      if (verdict.admit) return { id, email: scope.email, ip };
    }
    if (!verdict.inDoubt) {
      const solved =
        verdict.byCap && challenge && !capWaived && (await challenge.verify({ email: scope.email, ip, proof: attempt.proof }));
      if (!solved) throw refuse(verdict.retryAfterSeconds);
      // Past the cap; the back-off and the attempts in flight still have their say.
      capWaived = true;
      continue;
    }
    // Attempts in flight end within the password check; one that never ends (its instance died)
    // expires after IN_FLIGHT_EXPIRES_MS. Waiting that long is worse than asking to come back.
    if (performance.now() > giveUpAt) throw refuse(1);
    await sleep(pollMs);
    pollMs = Math.min(IN_DOUBT_LAST_POLL_MS, pollMs * 2);
  }
}

/**
 * Records how an admitted attempt ended and takes it out of flight, in one transaction under its
 * email's lock, so an attempt judged meanwhile sees it either in flight or settled, never
 * neither. A failure grows the (email, address) streak (its back-off with it) and counts toward
 * the email's cap in this window; a success clears the streak; an abandoned attempt only leaves.
 * Settling an attempt twice (or one that expired) changes nothing the second time.
 */
export async function settleLogin(
  ctx: ServiceContext,
  admitted: AdmittedLogin,
  outcome: LoginOutcome,
  limits: Pick<SignInLimits, 'windowSeconds'>,
): Promise<void> {
  const { email, ip } = admitted;
  const scope: Scope = { email, ip, emailWide: email !== '' };
  await ctx.db.prisma.$transaction(async (tx) => {
    await lockScope(tx, scope);
    const left = await tx.$executeRaw(Prisma.sql`DELETE FROM login_in_flight WHERE id = ${admitted.id}::uuid`);
    if (left === 0 || outcome === 'abandoned') return;
    if (outcome === 'succeeded') {
      await tx.$executeRaw(Prisma.sql`DELETE FROM rate_limit_bucket WHERE key = ${keys.streak(email, ip)}`);
      return;
    }
    const now = ctx.clock.now();
    const windowMs = limits.windowSeconds * 1000;
    const windowStart = new Date(Math.floor(now.getTime() / windowMs) * windowMs);
    // The streak keeps counting across windows (window_start is the last failure); the email's
    // count restarts with each window. The implausible email has no cap to count toward.
    const rows = [
      ...(scope.emailWide ? [Prisma.sql`(${keys.emailFailures(email)}, ${windowStart}, 1)`] : []),
      Prisma.sql`(${keys.streak(email, ip)}, ${now}, 1)`,
    ];
    await tx.$executeRaw(Prisma.sql`
      INSERT INTO rate_limit_bucket AS b (key, window_start, count)
      VALUES ${Prisma.join(rows)}
      ON CONFLICT (key) DO UPDATE SET
        count = CASE WHEN b.key LIKE 'login:streak:%' OR b.window_start >= EXCLUDED.window_start THEN b.count + 1 ELSE 1 END,
        window_start = GREATEST(b.window_start, EXCLUDED.window_start)`);
  });
}

/**
 * Every admission and settlement in a scope holds this lock until its transaction ends (a
 * transaction-scoped advisory lock: nothing to clean up, and fine behind PgBouncer's transaction
 * pooling). It orders the writes to the scope's rows too, so they cannot deadlock.
 */
async function lockScope(tx: Prisma.TransactionClient, scope: Scope): Promise<void> {
  const name = scope.emailWide ? `login:${scope.email}` : `login:${scope.ip}|`;
  await tx.$executeRaw(Prisma.sql`SELECT pg_advisory_xact_lock(hashtextextended(${name}, 0))`);
}

/** Reads the scope's state (one statement: one snapshot) and judges it, on the clock read after any lock. */
async function judged(ctx: ServiceContext, db: SqlClient, scope: Scope, limits: SignInLimits, capWaived: boolean): Promise<Verdict> {
  const now = ctx.clock.now().getTime();
  const windowMs = limits.windowSeconds * 1000;
  const windowStart = Math.floor(now / windowMs) * windowMs;
  const liveSince = new Date(now - IN_FLIGHT_EXPIRES_MS);
  const { email, ip } = scope;
  const [row] = await db.$queryRaw<
    Array<{ streak: number | null; last_failure_at: Date | null; email_failures: number | null; pair_in_flight: number; email_in_flight: number }>
  >(Prisma.sql`
    SELECT s.count AS streak, s.window_start AS last_failure_at,
           (SELECT count FROM rate_limit_bucket WHERE key = ${keys.emailFailures(email)} AND window_start = ${new Date(windowStart)}) AS email_failures,
           (SELECT count(*)::int FROM login_in_flight WHERE email = ${email} AND address = ${ip} AND admitted_at > ${liveSince}) AS pair_in_flight,
           (SELECT count(*)::int FROM login_in_flight WHERE email = ${email} AND admitted_at > ${liveSince}) AS email_in_flight
      FROM (SELECT 1) one LEFT JOIN rate_limit_bucket s ON s.key = ${keys.streak(email, ip)}`);
  const state: LoginState = {
    streak: Number(row.streak ?? 0),
    lastFailureAt: row.last_failure_at ? new Date(row.last_failure_at).getTime() : undefined,
    emailFailures: scope.emailWide ? Number(row.email_failures ?? 0) : 0,
    pairInFlight: row.pair_in_flight,
    emailInFlight: scope.emailWide ? row.email_in_flight : row.pair_in_flight,
  };
  return judge(state, now, windowStart, limits, capWaived);
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
