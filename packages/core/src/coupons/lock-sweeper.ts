import { Prisma } from '@coupons/db';
import { couponTouchedSql } from '../shared/sql.ts';
import { announceCommitted } from '../shared/announce.ts';
import type { ServiceContext } from '../shared/context.ts';
import { againIfStatementLost } from '../shared/errors.ts';
import { lockExpiredSql } from './coupon.record.ts';
import { inTransaction } from './transition.ts';

const BATCH = 500;

/**
 * Moves locks past their expiry back to ASSIGNED and records LOCK_EXPIRED, one batch per
 * transaction, by the same lock-then-act rule as every transition (transition.ts): step 1 locks
 * the expired rows, step 2 re-checks the expiry on each row's latest version and writes. Step 1
 * waits (plain `FOR UPDATE`, not SKIP LOCKED) for a transition that holds one of the rows: that
 * is a few milliseconds, and a sweep that skipped the row would answer as if it had run before
 * an unlock or a redeem that in fact refused the expired lock. Under the lock the expiry is
 * re-checked on the latest version, so a lock is expired by exactly one of several sweepers (the
 * others find it ASSIGNED) and a lock renewed meanwhile is not expired at all. A batch is the
 * soonest expired locks, but its rows are taken in id order, the one order of every statement
 * that locks several coupons (deleteBook, an erase); the sweeper holds nothing else, so it cannot
 * deadlock with another sweeper, with those, or with a transition (which locks one coupon). Reads use lazy expiry anyway; the sweeper exists so that live
 * countdowns end everywhere.
 * @returns how many locks it expired.
 */
export async function sweepExpiredLocks(ctx: ServiceContext): Promise<number> {
  const now = ctx.clock.now();
  let total = 0;
  for (;;) {
    // A batch that met a lost statement (behind a PgBouncer) was rolled back: run it again.
    const { found, eventIds } = await againIfStatementLost(() => inTransaction(ctx.db.pool, async (tx) => {
      // The batch is the soonest expired; its rows are locked in id order, as every statement that
      // locks several coupons takes them (deleteBook, an erase's returnUnusedCoupons).
      const locked = await tx.rows<{ id: string }>(Prisma.sql`
        SELECT id::text AS id FROM coupon
        WHERE id IN (SELECT x.id FROM coupon x WHERE ${lockExpiredSql(now, 'x')} ORDER BY x.lock_expires_at, x.id LIMIT ${BATCH})
          AND ${lockExpiredSql(now, 'coupon')}
        -- The column, not the text alias: in numeric id order, as every statement that locks several coupons.
        ORDER BY coupon.id
        FOR UPDATE`);
      if (locked.length === 0) return { found: 0, eventIds: [] };
      const events = await tx.rows<{ id: string }>(Prisma.sql`
        WITH upd AS (
          UPDATE coupon c
          SET state = 'ASSIGNED', locked_by_id = NULL, lock_expires_at = NULL, ${couponTouchedSql(now)}
          WHERE c.id = ANY(${locked.map((r) => r.id)}::bigint[]) AND ${lockExpiredSql(now)}
          RETURNING c.id, c.book_id, c.assigned_user_id
        )
        INSERT INTO coupon_event (coupon_id, book_id, type, from_state, to_state, actor_id, user_id, created_at)
        SELECT id, book_id, 'LOCK_EXPIRED', 'LOCKED', 'ASSIGNED', NULL, assigned_user_id, ${now}
        FROM upd ORDER BY id
        RETURNING id::text AS id`);
      return { found: locked.length, eventIds: events.map((r) => r.id) };
    }));
    announceCommitted(ctx, eventIds);
    total += eventIds.length;
    if (found < BATCH) return total;
  }
}

/** Runs {@link sweepExpiredLocks} every `intervalMs` until stopped; errors are reported, not fatal. */
export function startLockSweeper(
  ctx: ServiceContext,
  options: { intervalMs: number; onError?: (error: unknown) => void },
): { stop(): Promise<void> } {
  let running: Promise<unknown> | null = null;
  let stopped = false;
  const timer = setInterval(() => {
    if (stopped || running) return; // a slow sweep is not stacked up behind
    running = sweepExpiredLocks(ctx)
      .catch((error) => options.onError?.(error))
      .finally(() => {
        running = null;
      });
  }, options.intervalMs);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
