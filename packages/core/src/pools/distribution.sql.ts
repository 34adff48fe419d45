import { randomInt, randomUUID } from 'node:crypto';
import { Prisma } from '@coupons/db';
import { couponTouchedSql, type SqlClient } from '../shared/sql.ts';
import type { DistributionMode, DistributionRemainder, PlanMember } from './distribution.plan.ts';

const RANDOM_KEY_SPACE = 2_147_483_647;

/**
 * The pool's enabled members (disabled and erased users get nothing) with how many coupons of the
 * book each has been assigned. A distribution calls it holding the pool row `FOR SHARE`
 * (pool.sql.ts), so no member change can commit before the distribution does, and with
 * `lockUsers` it takes `FOR KEY SHARE` on the members' user rows, in id order: an erase (which
 * holds a user's row `FOR UPDATE` once it has removed their data) makes it wait, and the re-check
 * on the row's latest version then leaves the erased user out — no coupon goes to an erased user.
 * KEY SHARE does not wait for role changes or disabling. The preview reads without locks.
 */
export async function readMembers(sql: SqlClient, poolId: string, bookId: string, options: { lockUsers?: boolean } = {}): Promise<PlanMember[]> {
  const rows = await sql.$queryRaw<Array<{ user_id: string; assigned: number }>>(Prisma.sql`
    SELECT pm.user_id::text, COALESCE(ubc.assigned_count, 0)::int AS assigned
    FROM pool_member pm
    JOIN app_user u ON u.id = pm.user_id
    LEFT JOIN user_book_counter ubc ON ubc.user_id = pm.user_id AND ubc.book_id = ${bookId}::uuid
    WHERE pm.pool_id = ${poolId}::uuid AND u.disabled_at IS NULL AND u.erased_at IS NULL
    ORDER BY pm.user_id
    ${options.lockUsers ? Prisma.sql`FOR KEY SHARE OF u` : Prisma.empty}`);
  return rows.map((r) => ({ userId: r.user_id, assignedCount: r.assigned }));
}

/**
 * Unassigned coupons of the book that may still be handed out (a code past its own expiry may
 * not, as a single claim skips it): the unassigned ones less the expired ones, each an
 * index-only count over a partial index (coupon_unassigned_pick_idx, coupon_unassigned_expiry_idx).
 */
export async function countUnassigned(sql: SqlClient, bookId: string, now: Date): Promise<number> {
  const rows = await sql.$queryRaw<Array<{ n: number }>>(Prisma.sql`
    SELECT ((SELECT count(*) FROM coupon WHERE book_id = ${bookId}::uuid AND state = 'UNASSIGNED')
          - (SELECT count(*) FROM coupon WHERE book_id = ${bookId}::uuid AND state = 'UNASSIGNED'
               AND expires_at IS NOT NULL AND expires_at <= ${now}))::int AS n`);
  return rows[0].n;
}

/**
 * Locks the members' counter rows for this book (creating missing ones at 0) and returns their
 * assigned counts. Locks: one `user_book_counter` row per member, taken in user_id order (so two
 * distributions over overlapping pools cannot deadlock). While we hold them, a concurrent
 * assignRandomCoupon for one of these users waits at its counter upsert, and then re-checks its
 * limit on our committed count: the plan's allowances cannot be spent behind our back.
 */
export async function lockMemberCounters(
  sql: SqlClient,
  bookId: string,
  userIds: readonly string[],
  maxPerUser: number | null,
): Promise<Map<string, number>> {
  await sql.$executeRaw(Prisma.sql`
    INSERT INTO user_book_counter (user_id, book_id, assigned_count, redeemed_count, max_assignments)
    SELECT u, ${bookId}::uuid, 0, 0, ${maxPerUser}::int FROM unnest(${[...userIds]}::uuid[]) AS u ORDER BY u
    ON CONFLICT (user_id, book_id) DO NOTHING`);
  const rows = await sql.$queryRaw<Array<{ user_id: string; assigned: number }>>(Prisma.sql`
    SELECT user_id::text, assigned_count AS assigned FROM user_book_counter
    WHERE book_id = ${bookId}::uuid AND user_id = ANY(${[...userIds]}::uuid[])
    ORDER BY user_id
    FOR UPDATE`);
  return new Map(rows.map((r) => [r.user_id, r.assigned]));
}

/**
 * Claims up to `limit` unassigned coupons of the book (not past their own expiry), walking the partial index
 * `(book_id, random_key) WHERE state = 'UNASSIGNED'` from a random point and wrapping around.
 * Locks: the claimed coupon rows, `FOR UPDATE SKIP LOCKED`. Rows another transaction holds
 * (a concurrent assignRandomCoupon's pick) are skipped, not waited for; a row assigned meanwhile
 * fails the `state = 'UNASSIGNED'` re-check under the lock and is skipped too. So every claimed
 * row is ours alone until commit: no coupon can be handed out twice.
 */
export async function claimUnassigned(sql: SqlClient, bookId: string, limit: number, now: Date): Promise<string[]> {
  if (limit === 0) return [];
  const point = randomInt(RANDOM_KEY_SPACE);
  const claim = (range: Prisma.Sql, n: number) => sql.$queryRaw<Array<{ id: string }>>(Prisma.sql`
    SELECT id::text FROM coupon
    WHERE book_id = ${bookId}::uuid AND state = 'UNASSIGNED' AND ${range} AND (expires_at IS NULL OR expires_at > ${now})
    ORDER BY random_key LIMIT ${n}
    FOR UPDATE SKIP LOCKED`);
  const high = await claim(Prisma.sql`random_key >= ${point}`, limit);
  const low = high.length < limit ? await claim(Prisma.sql`random_key < ${point}`, limit - high.length) : [];
  return [...high, ...low].map((r) => r.id);
}

/**
 * Assigns the claimed coupons (rows we hold locked) and writes one ASSIGNED event per coupon
 * (actor = the admin, user = the recipient), in one statement. Returns how many were assigned
 * and the newest event id (listeners read the outbox from their cursor, so announcing the last
 * id is enough for a distribution of any size).
 */
export async function assignClaimed(
  sql: SqlClient,
  args: { couponIds: string[]; userIds: string[]; actorId: string; now: Date },
): Promise<{ assigned: number; lastEventId: string | null }> {
  const { couponIds, userIds, actorId, now } = args;
  const rows = await sql.$queryRaw<Array<{ assigned: number; last_event_id: string | null }>>(Prisma.sql`
    WITH plan AS (
      SELECT * FROM unnest(${couponIds}::bigint[], ${userIds}::uuid[]) AS p(coupon_id, user_id)
    ), upd AS (
      UPDATE coupon c
      SET state = 'ASSIGNED', assigned_user_id = plan.user_id, assigned_at = ${now}, ${couponTouchedSql(now)}
      FROM plan
      WHERE c.id = plan.coupon_id AND c.state = 'UNASSIGNED'
      RETURNING c.id, c.book_id, c.assigned_user_id
    ), ev AS (
      INSERT INTO coupon_event (coupon_id, book_id, type, from_state, to_state, actor_id, user_id, created_at)
      SELECT id, book_id, 'ASSIGNED', 'UNASSIGNED', 'ASSIGNED', ${actorId}::uuid, assigned_user_id, ${now} FROM upd
      RETURNING id
    )
    SELECT count(*)::int AS assigned, max(id)::text AS last_event_id FROM ev`);
  return { assigned: rows[0].assigned, lastEventId: rows[0].last_event_id };
}

/**
 * Adds each recipient's share to their counter with the same guard as a single assignment
 * (`assigned_count + n <= max`). The rows are already locked by {@link lockMemberCounters}, so
 * the guard holds by construction; it stays as the database-level backstop. Returns how many
 * counters were updated.
 */
export async function addToCounters(
  sql: SqlClient,
  args: { bookId: string; userIds: string[]; counts: number[]; maxPerUser: number | null },
): Promise<number> {
  return sql.$executeRaw(Prisma.sql`
    INSERT INTO user_book_counter AS u (user_id, book_id, assigned_count, redeemed_count, max_assignments)
    SELECT x.user_id, ${args.bookId}::uuid, x.n, 0, ${args.maxPerUser}::int
    FROM unnest(${args.userIds}::uuid[], ${args.counts}::int[]) AS x(user_id, n)
    ON CONFLICT (user_id, book_id) DO UPDATE
      SET assigned_count = u.assigned_count + EXCLUDED.assigned_count, max_assignments = EXCLUDED.max_assignments
      WHERE EXCLUDED.max_assignments IS NULL OR u.assigned_count + EXCLUDED.assigned_count <= EXCLUDED.max_assignments`);
}

/** What a distribution records: the Distribution row but its id and creation time. */
export interface DistributionFields {
  poolId: string;
  bookId: string;
  mode: DistributionMode;
  requested: number;
  assigned: number;
  /** EQUAL: the remainder rule it applied; null for RANDOM. */
  remainder: DistributionRemainder | null;
  createdById: string;
}

/** The Distribution row (ids are generated here: schema.prisma's `uuid()` default is client-side). */
export async function insertDistribution(sql: SqlClient, args: DistributionFields & { now: Date }): Promise<{ id: string; created_at: Date }> {
  const rows = await sql.$queryRaw<Array<{ id: string; created_at: Date }>>(Prisma.sql`
    INSERT INTO distribution (id, pool_id, book_id, mode, requested, assigned, remainder, created_by_id, created_at)
    VALUES (${randomUUID()}::uuid, ${args.poolId}::uuid, ${args.bookId}::uuid, ${args.mode}::"DistributionMode", ${args.requested},
            ${args.assigned}, ${args.remainder}::"DistributionRemainder", ${args.createdById}::uuid, ${args.now})
    RETURNING id::text, created_at`);
  return rows[0];
}
