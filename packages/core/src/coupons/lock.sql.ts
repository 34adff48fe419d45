import { Prisma } from '@coupons/db';
import { couponTouchedSql } from '../shared/sql.ts';
import { DATE_TIME_MAX } from '../shared/validation.ts';
import { inactiveReasonSql } from './availability.ts';
import { type CouponRow, couponReturning, lockExpiredSql, lockLiveSql } from './coupon.record.ts';
import { bookGateShared } from './book-gate.sql.ts';
import { eventCte } from './event.sql.ts';
import { lockedRowId, markLocked, type Tx } from './transition.ts';

/** The coupon as the transition saw it (its latest version, under its row lock), plus what changed. */
export interface TransitionOutcome {
  found: boolean;
  /** Stored state (a LOCKED past its expiry is still 'LOCKED' here; see `lockExpired`). */
  state: string | null;
  ownerId: string | null;
  lockedById: string | null;
  lockExpired: boolean;
  active: boolean;
  /** Why it is not active (availability.ts), when it is not. */
  inactiveReason?: string | null;
  coupon: CouponRow | null;
  eventIds: string[];
}

interface TransitionRow extends Partial<CouponRow> {
  found: number;
  t_state: string | null;
  t_owner: string | null;
  t_locked_by: string | null;
  t_expired: boolean | null;
  t_active: boolean | null;
  t_inactive?: string | null;
  event_ids: string[] | null;
}

/**
 * Step 1 of every transition by code (see transition.ts): takes the coupon's row lock, then its
 * book's gate shared (book-gate.sql.ts: a change of the book's rules waits for us, or we wait for
 * it and step 2 reads the new rules), and marks the row for step 2 ({@link lockedCoupon}). A concurrent transition of the same
 * code waits here until we commit. Answers one row: `locked_id`, '' when there is no such code.
 */
const lockByCode = (code: string) => Prisma.sql`
  WITH target AS (SELECT id, book_id FROM coupon WHERE code = ${code} FOR UPDATE),
  ${bookGateShared(Prisma.sql`SELECT book_id FROM target`)}
  SELECT ${markLocked(Prisma.sql`SELECT id FROM target`)} AS locked_id, (SELECT count(*) FROM gate)::int AS gates`;

/**
 * Step 1 on its own, for a transition that reads its answer before it writes step 2.
 * @returns whether the code exists.
 */
export async function lockCouponRow(tx: Tx, code: string): Promise<boolean> {
  const [row] = await tx.rows<{ locked_id: string }>(lockByCode(code));
  return Boolean(row?.locked_id);
}

/**
 * The coupon step 1 locked, joined to its book, for step 2 (no row when step 1 found no code).
 * No `FOR UPDATE`: step 1 holds the row lock, so this statement's snapshot already shows the
 * row's latest committed version.
 */
const lockedCoupon = (now: Date) => Prisma.sql`
  SELECT c.id, c.book_id, c.state, c.assigned_user_id, c.locked_by_id, c.lock_expires_at,
         c.redemption_count, c.max_redemptions AS code_max_redemptions,
         ${lockExpiredSql(now)} AS expired,
         b.lock_ttl_seconds, b.allow_multiple_redemptions, b.max_redemptions_per_user,
         b.discount_type, b.discount_value, b.min_order_amount, b.currency,
         b.max_total_discount_amount IS NOT NULL AS discount_budget,
         b.max_total_redemptions IS NOT NULL OR b.max_total_discount_amount IS NOT NULL AS budgeted,
         ${inactiveReasonSql(now, 'b', 'c')} AS inactive_reason,
         ${inactiveReasonSql(now, 'b', 'c')} IS NULL AS active
  FROM coupon c JOIN book b ON b.id = c.book_id
  WHERE c.id = ${lockedRowId}`;

const targetSummary = Prisma.sql`
  (SELECT count(*) FROM target)::int AS found, (SELECT state::text FROM target) AS t_state,
  (SELECT assigned_user_id::text FROM target) AS t_owner, (SELECT locked_by_id::text FROM target) AS t_locked_by,
  (SELECT expired FROM target) AS t_expired, (SELECT active FROM target) AS t_active,
  (SELECT inactive_reason FROM target) AS t_inactive`;

const notFound: TransitionOutcome = {
  found: false,
  state: null,
  ownerId: null,
  lockedById: null,
  lockExpired: false,
  active: false,
  inactiveReason: null,
  coupon: null,
  eventIds: [],
};

/**
 * ASSIGNED (or an expired LOCKED) → LOCKED for the owner. Re-locking an expired lock records the
 * lazy expiry first (LOCK_EXPIRED, then LOCKED), so the audit trail has every transition.
 */
export async function lockCouponSql(tx: Tx, args: { code: string; userId: string; now: Date }): Promise<TransitionOutcome> {
  const { code, userId, now } = args;
  return lockThenAct(tx, code, now, Prisma.sql`
    upd AS (
      UPDATE coupon c
      SET state = 'LOCKED', locked_by_id = ${userId}::uuid,
          -- At most the last instant the API reads and writes (a lock taken on 9999-12-31 would
          -- end in year 10000, which no read of the row could parse back).
          lock_expires_at = least(${now}::timestamptz + make_interval(secs => t.lock_ttl_seconds), ${DATE_TIME_MAX}::timestamptz), ${couponTouchedSql(now)}
      FROM target t
      WHERE c.id = t.id AND t.active AND c.assigned_user_id = ${userId}::uuid
        AND (c.state = 'ASSIGNED' OR ${lockExpiredSql(now)})
      RETURNING ${couponReturning}, t.expired AS was_expired
    ),
    ev AS (
      INSERT INTO coupon_event (coupon_id, book_id, type, from_state, to_state, actor_id, user_id, created_at)
      SELECT id::bigint, book_id::uuid, e.type::"CouponEventType", e.from_state::"CouponState", e.to_state::"CouponState",
             CASE WHEN e.type = 'LOCK_EXPIRED' THEN NULL ELSE ${userId}::uuid END, ${userId}::uuid, ${now}
      FROM upd CROSS JOIN LATERAL (
        VALUES (1, 'LOCK_EXPIRED', 'LOCKED', 'ASSIGNED'), (2, 'LOCKED', 'ASSIGNED', 'LOCKED')
      ) AS e(ord, type, from_state, to_state)
      WHERE e.type = 'LOCKED' OR upd.was_expired
      ORDER BY e.ord
      RETURNING id::text AS id
    )`);
}

/** LOCKED (unexpired) → ASSIGNED by the lock owner. */
export async function unlockCouponSql(tx: Tx, args: { code: string; userId: string; now: Date }): Promise<TransitionOutcome> {
  const { code, userId, now } = args;
  return lockThenAct(tx, code, now, Prisma.sql`
    upd AS (
      UPDATE coupon c
      SET state = 'ASSIGNED', locked_by_id = NULL, lock_expires_at = NULL, ${couponTouchedSql(now)}
      FROM target t
      WHERE c.id = t.id AND ${lockLiveSql(now)} AND c.locked_by_id = ${userId}::uuid
      RETURNING ${couponReturning}
    ),
    ${eventCte({ type: 'UNLOCKED', from: 'LOCKED', to: 'ASSIGNED',
      actor: Prisma.sql`${userId}::uuid`, user: Prisma.sql`${userId}::uuid`, at: now })}`);
}

/**
 * Both steps of a transition of coupon `code`, sent together with COMMIT ({@link Tx.steps}): the
 * row lock (step 1; `notFound` when there is no such code), then one statement (step 2) that
 * reads the locked row as `target` and runs `writes` — the guarded `upd` (RETURNING the coupon)
 * and its events `ev` (RETURNING their ids) — and answers one row: the target as the guard saw
 * it, the new event ids in order, and the written coupon (all NULL when the guard refused).
 * `writes` write only what a successful transition writes.
 */
async function lockThenAct(tx: Tx, code: string, now: Date, writes: Prisma.Sql): Promise<TransitionOutcome> {
  const [[locked], rows] = await tx.steps<{ locked_id: string }, TransitionRow>(
    lockByCode(code),
    Prisma.sql`
    WITH target AS (${lockedCoupon(now)}),
    ${writes}
    SELECT ${targetSummary}, (SELECT array_agg(id ORDER BY id::bigint) FROM ev) AS event_ids, upd.*
    FROM (SELECT 1) AS one LEFT JOIN upd ON true`,
    { last: true },
  );
  if (!locked?.locked_id) return notFound;
  return toOutcome(rows[0]);
}

export { lockByCode, lockedCoupon, notFound as couponNotFound, targetSummary };

export function toOutcome(row: TransitionRow | undefined): TransitionOutcome {
  if (!row) throw new Error('transition statement returned no row');
  return {
    found: row.found > 0,
    state: row.t_state,
    ownerId: row.t_owner,
    lockedById: row.t_locked_by,
    lockExpired: row.t_expired === true,
    active: row.t_active === true,
    inactiveReason: row.t_inactive ?? null,
    coupon: row.id ? (row as CouponRow) : null,
    eventIds: row.event_ids ?? [],
  };
}

export type { TransitionRow };
