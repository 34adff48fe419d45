import { Prisma } from '@coupons/db';
import type { ServiceContext } from '../shared/context.ts';
import { DomainError } from '../shared/errors.ts';

/** What a consumed request left in its window. */
export interface RateLimitUsage {
  count: number;
  remaining: number;
  resetsAt: Date;
}

/**
 * Counts one request against `key` in a fixed window of `windowSeconds` and throws RATE_LIMITED
 * (with `retryAfterSeconds`) once more than `limit` requests fell in the current window.
 *
 * The counter lives in PostgreSQL (`rate_limit_bucket`) so the limit holds across API instances.
 * One upsert statement does the whole check: concurrent requests on one key serialise on the
 * row lock that `ON CONFLICT DO UPDATE` takes, so no two of them read the same count. Windows are
 * aligned to the epoch (`floor(now / window)`) and `now` comes from the service clock; if two
 * instances disagree on the window, the later one wins (`GREATEST`) and the count restarts.
 */
export async function consumeRateLimit(
  ctx: ServiceContext,
  key: string,
  limit: number,
  windowSeconds: number,
): Promise<RateLimitUsage> {
  const now = ctx.clock.now();
  const windowMs = windowSeconds * 1000;
  const windowStart = new Date(Math.floor(now.getTime() / windowMs) * windowMs);
  const rows = await ctx.db.prisma.$queryRaw<Array<{ count: number; window_start: Date }>>(Prisma.sql`
    INSERT INTO rate_limit_bucket AS b (key, window_start, count)
    VALUES (${key}, ${windowStart}, 1)
    ON CONFLICT (key) DO UPDATE SET
      count = CASE WHEN b.window_start >= EXCLUDED.window_start THEN b.count + 1 ELSE 1 END,
      window_start = GREATEST(b.window_start, EXCLUDED.window_start)
    RETURNING count, window_start`);
  const row = rows[0];
  const resetsAt = new Date(new Date(row.window_start).getTime() + windowMs);
  const count = Number(row.count);
  if (count > limit) {
    const retryAfterSeconds = Math.max(1, Math.ceil((resetsAt.getTime() - now.getTime()) / 1000));
    throw new DomainError('RATE_LIMITED', `Too many attempts; try again in ${retryAfterSeconds} s`, {
      retryAfterSeconds,
    });
  }
  return { count, remaining: limit - count, resetsAt };
}

/**
 * Deletes buckets whose window ended more than `olderThanSeconds` ago (rows for every email and
 * IP that ever logged in would otherwise pile up), and login attempts left in flight that long by
 * an instance that died. Safe to run from several instances at once, and beside the requests: a
 * row a request holds is skipped (the next round takes it), so the prune never waits for one or
 * deadlocks with one that writes two rows.
 */
export async function pruneRateLimitBuckets(ctx: ServiceContext, olderThanSeconds = 86_400): Promise<number> {
  const cutoff = new Date(ctx.clock.now().getTime() - olderThanSeconds * 1000);
  const [buckets, inFlight] = await Promise.all([
    ctx.db.prisma.$executeRaw(Prisma.sql`
      DELETE FROM rate_limit_bucket WHERE key IN (
        SELECT key FROM rate_limit_bucket WHERE window_start < ${cutoff} FOR UPDATE SKIP LOCKED)`),
    ctx.db.prisma.$executeRaw(Prisma.sql`DELETE FROM login_in_flight WHERE admitted_at < ${cutoff}`),
  ]);
  return buckets + inFlight;
}
