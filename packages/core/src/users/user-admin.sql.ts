import { Prisma } from '@coupons/db';
import type { Role } from '../shared/context.ts';
import { couponTouchedSql, type SqlClient } from '../shared/sql.ts';

// The statements behind role changes, disabling and erasing. The rule they keep is "there is
// always an enabled admin, and only an enabled admin changes users": it is decided under row
// locks, never by a constraint (no CHECK can count rows).
//
// Every such change first locks the rows of all enabled admins, `FOR NO KEY UPDATE`, in id order
// (admins are few). Two changes therefore run one after the other, whichever admins they touch;
// the one that waited re-reads the rows it locked at their latest committed version (READ
// COMMITTED re-checks the WHERE of a blocked `FOR … UPDATE` on the new version), so an admin
// demoted or disabled by the first is no longer in the set the second counts. NO KEY UPDATE, not
// UPDATE: it does not conflict with the `FOR KEY SHARE` that claims and foreign-key checks take
// (a coupon assigned to an admin, a key they create), so claims never wait on these changes.
// Erasing is the exception: it locks its target `FOR UPDATE` (see lockUser).

/** The ids of every enabled admin, their rows locked until the transaction ends. */
export async function lockEnabledAdmins(tx: SqlClient): Promise<Set<string>> {
  const rows = await tx.$queryRaw<Array<{ id: string }>>(Prisma.sql`
    SELECT id::text AS id FROM app_user WHERE role = 'ADMIN' AND disabled_at IS NULL
    ORDER BY id FOR NO KEY UPDATE`);
  return new Set(rows.map((r) => r.id));
}

/** A user's row as the admin changes read it. */
export interface LockedUser {
  id: string;
  email: string | null;
  externalId: string | null;
  role: Role;
  disabledAt: Date | null;
  erasedAt: Date | null;
}

/**
 * Locks one user's row (taken after {@link lockEnabledAdmins}: one order everywhere, so no
 * deadlock) and returns it at its latest version, or null when there is no such user.
 *
 * `NO KEY UPDATE` (role changes, disabling) lets claims for the user carry on: they hold the row
 * `FOR KEY SHARE`. `UPDATE` (erasing) conflicts with that, so it waits for every claim for the
 * user in flight to commit and keeps new ones out until the erase commits; they then see the
 * user erased (coupons/assign.sql.ts). Taken before the erase looks for the user's coupons, it
 * makes one pass over them enough.
 */
export async function lockUser(tx: SqlClient, userId: string, strength: 'NO KEY UPDATE' | 'UPDATE' = 'NO KEY UPDATE'): Promise<LockedUser | null> {
  const lock = strength === 'UPDATE' ? Prisma.sql`FOR UPDATE` : Prisma.sql`FOR NO KEY UPDATE`;
  const rows = await tx.$queryRaw<LockedUser[]>(Prisma.sql`
    SELECT id::text AS id, email, external_id AS "externalId", role::text AS role,
           disabled_at AS "disabledAt", erased_at AS "erasedAt"
    FROM app_user WHERE id = ${userId}::uuid ${lock}`);
  return rows[0] ?? null;
}

/**
 * Gives a user's unused coupons back to their books, in the lock-then-act order of every
 * transition (coupons/transition.ts). The caller holds the user's row `FOR UPDATE`
 * ({@link lockUser}), so no claim can give them a new coupon meanwhile.
 *
 * 1. lock the user's ASSIGNED and LOCKED coupons (`FOR UPDATE`, in id order): a lock, unlock or
 *    redeem of one of them by the user waits for us, or we for it;
 * 2. in a statement whose snapshot is taken after the locks, re-check each row on its latest
 *    version (still theirs, still ASSIGNED or LOCKED, never redeemed: a coupon with a redemption
 *    row stays with its redeemer, so the redemption keeps pointing at the coupon's owner), make it
 *    UNASSIGNED, write an UNASSIGNED event per coupon (reason "user erased"; no user after it, so
 *    only admins hear it) and take the coupons off the user's per-book counters.
 *
 * Lock order: coupons, then counter rows — as every transition.
 */
export async function returnUnusedCoupons(
  tx: SqlClient,
  args: { userId: string; actorId: string; now: Date; reason: string },
): Promise<{ returned: number; eventIds: string[] }> {
  const { userId, actorId, now, reason } = args;
  const locked = await tx.$queryRaw<Array<{ id: string }>>(Prisma.sql`
    SELECT id::text AS id FROM coupon
    WHERE assigned_user_id = ${userId}::uuid AND state IN ('ASSIGNED', 'LOCKED')
    -- The column, not the text alias: in numeric id order, as every statement that locks several coupons.
    ORDER BY coupon.id FOR UPDATE`);
  if (locked.length === 0) return { returned: 0, eventIds: [] };
  const rows = await tx.$queryRaw<Array<{ returned: number; event_ids: string[] | null; counters: number; books: number }>>(Prisma.sql`
    WITH seen AS (
      SELECT id, state FROM coupon WHERE id = ANY(${locked.map((r) => r.id)}::bigint[])
    ), back AS (
      UPDATE coupon c
      SET state = 'UNASSIGNED', assigned_user_id = NULL, assigned_at = NULL, locked_by_id = NULL,
          lock_expires_at = NULL, ${couponTouchedSql(now)}
      FROM seen
      WHERE c.id = seen.id AND c.assigned_user_id = ${userId}::uuid AND c.state IN ('ASSIGNED', 'LOCKED')
        AND NOT EXISTS (SELECT 1 FROM redemption r WHERE r.coupon_id = c.id)
      RETURNING c.id, c.book_id, seen.state AS from_state
    ), ev AS (
      INSERT INTO coupon_event (coupon_id, book_id, type, from_state, to_state, actor_id, user_id, reason, created_at)
      SELECT id, book_id, 'UNASSIGNED', from_state, 'UNASSIGNED', ${actorId}::uuid, NULL, ${reason}, ${now}
      FROM back ORDER BY id
      RETURNING id
    ), per_book AS (
      SELECT book_id, count(*)::int AS n FROM back GROUP BY book_id
    ), counted AS (
      UPDATE user_book_counter k SET assigned_count = k.assigned_count - per_book.n
      FROM per_book WHERE k.user_id = ${userId}::uuid AND k.book_id = per_book.book_id
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM back)::int AS returned,
           (SELECT array_agg(id::text ORDER BY id) FROM ev) AS event_ids,
           (SELECT count(*) FROM counted)::int AS counters,
           (SELECT count(*) FROM per_book)::int AS books`);
  const row = rows[0];
  // Every assigned coupon has its counter (an invariant): a miss would leave a counter too high.
  if (row.counters !== row.books) throw new Error(`erase: ${row.counters}/${row.books} counters updated`);
  return { returned: row.returned, eventIds: row.event_ids ?? [] };
}

/**
 * Takes an erased user's email and customer id out of the stored bodies of the deliveries about
 * them (`data.user`), in the erase's transaction: an admin reading the delivery log, and every
 * attempt or redelivery still to come, get the body with `email` and `customerId` null, the rest
 * unchanged. The fan-out reads a user `FOR KEY SHARE` (webhooks/webhook.fanout.ts), so deliveries it is
 * writing meanwhile are committed before the erase's `FOR UPDATE` of the user lets it get here.
 * @returns how many deliveries it changed.
 */
export async function forgetUserInDeliveries(tx: SqlClient, userId: string): Promise<number> {
  const rows = await tx.$queryRaw<Array<{ id: string; payload: string }>>(Prisma.sql`
    SELECT id::text AS id, payload FROM webhook_delivery WHERE user_id = ${userId}::uuid ORDER BY webhook_delivery.id FOR UPDATE`);
  const changed = rows.flatMap((row) => {
    const body = JSON.parse(row.payload) as { data?: { user?: { email?: unknown; customerId?: unknown } | null } };
    const user = body.data?.user;
    if (!user || (user.email == null && user.customerId == null)) return [];
    user.email = null;
    user.customerId = null;
    return [{ id: row.id, payload: JSON.stringify(body) }];
  });
  if (changed.length === 0) return 0;
  await tx.$executeRaw(Prisma.sql`
    UPDATE webhook_delivery d SET payload = c.payload
    FROM unnest(${changed.map((c) => c.id)}::bigint[], ${changed.map((c) => c.payload)}::text[]) AS c(id, payload)
    WHERE d.id = c.id`);
  return changed.length;
}
