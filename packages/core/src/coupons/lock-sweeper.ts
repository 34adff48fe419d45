import { Prisma } from '@coupons/db';
import { announceCommitted } from '../events/announcer.ts';
import type { ServiceContext } from '../shared/context.ts';

const BATCH = 500;

/**
 * Moves locks past their expiry back to ASSIGNED and records LOCK_EXPIRED, one batch per
 * statement. Safe with any number of sweepers (one per API process): each takes rows with
 * `FOR UPDATE SKIP LOCKED` and re-checks the expiry under the lock, so a lock is expired by
 * exactly one of them, and a concurrent re-lock (which holds the row) is simply skipped.
 * Reads use lazy expiry anyway; the sweeper exists so that live countdowns end everywhere.
 * @returns how many locks it expired.
 */
export async function sweepExpiredLocks(ctx: ServiceContext): Promise<number> {
  const now = ctx.clock.now();
  let total = 0;
  for (;;) {
    const rows = await ctx.db.prisma.$queryRaw<Array<{ id: string }>>(Prisma.sql`
      WITH expired AS (
        SELECT id FROM coupon
        WHERE state = 'LOCKED' AND lock_expires_at <= ${now}
        ORDER BY lock_expires_at
        LIMIT ${BATCH}
        FOR UPDATE SKIP LOCKED
      ),
      upd AS (
        UPDATE coupon c
        SET state = 'ASSIGNED', locked_by_id = NULL, lock_expires_at = NULL, updated_at = ${now}
        FROM expired e
        WHERE c.id = e.id AND c.state = 'LOCKED' AND c.lock_expires_at <= ${now}
        RETURNING c.id, c.book_id, c.assigned_user_id
      )
      INSERT INTO coupon_event (coupon_id, book_id, type, from_state, to_state, actor_id, user_id, created_at)
      SELECT id, book_id, 'LOCK_EXPIRED', 'LOCKED', 'ASSIGNED', NULL, assigned_user_id, ${now}
      FROM upd ORDER BY id
      RETURNING id::text AS id`);
    announceCommitted(ctx, rows.map((r) => r.id));
    total += rows.length;
    if (rows.length < BATCH) return total;
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
