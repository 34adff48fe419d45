import { checkInvariants } from '@coupons/core';
import { type Database, Prisma } from '@coupons/db';
import { expect } from 'vitest';
import type { BookSnapshot, CouponState } from './coupon.model.ts';

/**
 * Reads one book as clients see it at `now` (a lock past its expiry reads as ASSIGNED, whether
 * or not the sweeper has moved it yet), plus the per-user counters and the redemptions.
 */
export async function readBookSnapshot(db: Database, bookId: string, users: readonly string[], now: Date): Promise<BookSnapshot> {
  const [coupons, counters, redemptions] = await Promise.all([
    db.prisma.$queryRaw<Array<{ code: string; state: CouponState; owner: string | null; redemption_count: number; lock_expires_at: Date | null }>>(Prisma.sql`
      SELECT code,
             CASE WHEN state = 'LOCKED' AND lock_expires_at <= ${now} THEN 'ASSIGNED' ELSE state::text END AS state,
             assigned_user_id::text AS owner, redemption_count,
             CASE WHEN state = 'LOCKED' AND lock_expires_at > ${now} THEN lock_expires_at END AS lock_expires_at
      FROM coupon WHERE book_id = ${bookId}::uuid ORDER BY code`),
    db.prisma.$queryRaw<Array<{ user_id: string; assigned_count: number; redeemed_count: number }>>(Prisma.sql`
      SELECT user_id::text, assigned_count, redeemed_count FROM user_book_counter WHERE book_id = ${bookId}::uuid`),
    db.prisma.$queryRaw<Array<{ id: string; code: string; user_id: string; reversed: boolean }>>(Prisma.sql`
      SELECT r.id::text, c.code, r.user_id::text, r.reversed_at IS NOT NULL AS reversed
      FROM redemption r JOIN coupon c ON c.id = r.coupon_id WHERE r.book_id = ${bookId}::uuid ORDER BY r.id`),
  ]);
  const byUser = new Map(counters.map((c) => [c.user_id, c]));
  return {
    coupons: coupons.map((c) => ({
      code: c.code,
      state: c.state,
      owner: c.owner,
      redemptionCount: Number(c.redemption_count),
      lockExpiresAt: c.lock_expires_at ? new Date(c.lock_expires_at).toISOString() : null,
    })),
    counters: Object.fromEntries(
      users.map((u) => [u, { assigned: byUser.get(u)?.assigned_count ?? 0, redeemed: byUser.get(u)?.redeemed_count ?? 0 }]),
    ),
    redemptions: redemptions
      .map((r) => ({ id: r.id, code: r.code, userId: r.user_id, reversed: r.reversed }))
      .sort((a, b) => a.id.localeCompare(b.id)),
  };
}

/** Who owns each code of the book now. */
export async function readOwners(db: Database, bookId: string): Promise<Record<string, string | null>> {
  const rows = await db.prisma.$queryRaw<Array<{ code: string; owner: string | null }>>(Prisma.sql`
    SELECT code, assigned_user_id::text AS owner FROM coupon WHERE book_id = ${bookId}::uuid`);
  return Object.fromEntries(rows.map((r) => [r.code, r.owner]));
}

/** Fails the test with every broken invariant (see core invariants/invariants.ts). */
export async function expectInvariants(db: Database, when?: string): Promise<void> {
  const violations = await checkInvariants(db.prisma);
  expect(violations, `invariants broken${when ? ` ${when}` : ''}`).toEqual([]);
}
