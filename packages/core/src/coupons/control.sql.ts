import { Prisma } from '@coupons/db';
import { couponTouchedSql } from '../shared/sql.ts';
import { type CouponRow, couponReturning, effectiveStateSql, lockLiveSql } from './coupon.record.ts';
import { eventCte } from './event.sql.ts';
import type { Tx } from './transition.ts';

// Admin controls on one coupon, each a lock-then-act transition (transition.ts): step 1 is
// `lockCouponRow` (the caller runs it), step 2 one statement that checks the guard on the row's
// latest version, writes it, and records a coupon_event with the admin as actor and their reason.

/** What the statement saw (under the row lock) and what it wrote. */
export interface ControlOutcome {
  found: boolean;
  /** Stored state before (a LOCKED past its expiry is still 'LOCKED' here). */
  state: string | null;
  redemptionCount: number;
  /** A redemption of it was ever recorded, reversed or not (a reversal brings the count back to 0). */
  everRedeemed: boolean;
  coupon: CouponRow | null;
  eventIds: string[];
}

interface ControlRow extends Partial<CouponRow> {
  found: number;
  t_state: string | null;
  t_redemptions: number | null;
  t_ever_redeemed: boolean | null;
  event_ids: string[] | null;
}

const target = (code: string) =>
  Prisma.sql`SELECT c.id, c.book_id, c.state, c.assigned_user_id, c.redemption_count,
    EXISTS (SELECT 1 FROM redemption r WHERE r.coupon_id = c.id) AS ever_redeemed
    FROM coupon c WHERE c.code = ${code}`;

const summary = Prisma.sql`(SELECT count(*) FROM target)::int AS found, (SELECT state::text FROM target) AS t_state,
  (SELECT redemption_count FROM target) AS t_redemptions, (SELECT ever_redeemed FROM target) AS t_ever_redeemed`;

/**
 * Any state but VOID → VOID: the code stops working at once; a running lock ends with it. The
 * owner keeps it in their history (assigned_user_id stays), and their counters stay as they are:
 * a voided coupon was given, so it still counts toward "assignments per user".
 */
export async function voidCouponSql(tx: Tx, args: { code: string; actorId: string; reason: string; now: Date }): Promise<ControlOutcome> {
  const { code, actorId, reason, now } = args;
  const rows = await tx.rows<ControlRow>(Prisma.sql`
    WITH target AS (${target(code)}),
    upd AS (
      UPDATE coupon c SET state = 'VOID', voided_at = ${now}, locked_by_id = NULL, lock_expires_at = NULL, ${couponTouchedSql(now)}
      FROM target t WHERE c.id = t.id AND t.state::text <> 'VOID'
      RETURNING ${couponReturning}, t.state::text AS from_state
    ),
    ${eventCte({ type: 'VOIDED', from: { column: 'from_state' }, to: 'VOID',
      actor: Prisma.sql`${actorId}::uuid`, user: Prisma.sql`assigned_user_id::uuid`, reason, at: now })}
    SELECT ${summary}, (SELECT array_agg(id) FROM ev) AS event_ids, upd.*
    FROM (SELECT 1) AS one LEFT JOIN upd ON true`);
  return toOutcome(rows[0]);
}

/**
 * ASSIGNED or LOCKED (an expired lock included) and never redeemed → UNASSIGNED: back in the
 * book for someone else. "Never redeemed" means no redemption row at all: a reversal brings
 * `redemption_count` back to 0 but keeps the redemption, which must stay its owner's coupon's.
 * Under the row lock no redemption of it can be written meanwhile (a redeem locks the row first). The owner's assignment is given back (their counter goes down under its
 * row lock, so a limit stays exact), and the event keeps who had it.
 */
export async function unassignCouponSql(tx: Tx, args: { code: string; actorId: string; reason: string; now: Date }): Promise<ControlOutcome> {
  const { code, actorId, reason, now } = args;
  const rows = await tx.rows<ControlRow>(Prisma.sql`
    WITH target AS (${target(code)}),
    upd AS (
      UPDATE coupon c SET state = 'UNASSIGNED', assigned_user_id = NULL, assigned_at = NULL,
             locked_by_id = NULL, lock_expires_at = NULL, ${couponTouchedSql(now)}
      FROM target t
      WHERE c.id = t.id AND (t.state = 'ASSIGNED' OR t.state = 'LOCKED') AND NOT t.ever_redeemed
      RETURNING ${couponReturning}, t.state::text AS from_state, t.assigned_user_id AS previous_owner
    ),
    cnt AS (
      UPDATE user_book_counter u SET assigned_count = u.assigned_count - 1
      FROM upd WHERE u.user_id = upd.previous_owner AND u.book_id = upd.book_id::uuid AND u.assigned_count > 0
      RETURNING u.user_id
    ),
    ${eventCte({ type: 'UNASSIGNED', from: { column: 'from_state' }, to: 'UNASSIGNED',
      actor: Prisma.sql`${actorId}::uuid`, user: Prisma.sql`previous_owner`, reason, at: now })}
    SELECT ${summary}, (SELECT array_agg(id) FROM ev) AS event_ids, (SELECT count(*) FROM cnt) AS counted, upd.*
    FROM (SELECT 1) AS one LEFT JOIN upd ON true`);
  return toOutcome(rows[0]);
}

/**
 * A running lock, whoever holds it → ASSIGNED (an admin releasing a stuck checkout): the owner
 * keeps the coupon and may lock it again. The guard is the UPDATE's own WHERE on the row's latest
 * version, under the row lock of step 1, so a redeem or an unlock that committed first leaves
 * nothing to release. `state` in the outcome is the coupon's state at `now` (an expired lock
 * reads ASSIGNED: there is nothing left to release).
 */
export async function forceUnlockCouponSql(
  tx: Tx,
  args: { code: string; actorId: string; reason: string | null; now: Date },
): Promise<ControlOutcome> {
  const { code, actorId, reason, now } = args;
  const rows = await tx.rows<ControlRow>(Prisma.sql`
    WITH target AS (
      SELECT c.id, c.book_id, ${effectiveStateSql(now)} AS state, c.assigned_user_id, c.redemption_count,
             EXISTS (SELECT 1 FROM redemption r WHERE r.coupon_id = c.id) AS ever_redeemed
      FROM coupon c WHERE c.code = ${code}
    ),
    upd AS (
      UPDATE coupon c SET state = 'ASSIGNED', locked_by_id = NULL, lock_expires_at = NULL, ${couponTouchedSql(now)}
      FROM target t WHERE c.id = t.id AND ${lockLiveSql(now)}
      RETURNING ${couponReturning}
    ),
    ${eventCte({ type: 'UNLOCKED', from: 'LOCKED', to: 'ASSIGNED',
      actor: Prisma.sql`${actorId}::uuid`, user: Prisma.sql`assigned_user_id::uuid`, reason, at: now })}
    SELECT ${summary}, (SELECT array_agg(id) FROM ev) AS event_ids, upd.*
    FROM (SELECT 1) AS one LEFT JOIN upd ON true`);
  return toOutcome(rows[0]);
}

/**
 * Per-code overrides on any state but VOID: an expiry (before which the code works, after which
 * every transition answers BOOK_NOT_ACTIVE, reason CODE_EXPIRED), a use limit (not below the
 * uses it already had), notes. `undefined` keeps a field, `null` clears it.
 */
export async function updateCouponSql(
  tx: Tx,
  args: {
    code: string;
    actorId: string;
    now: Date;
    expiresAt?: Date | null;
    maxRedemptions?: number | null;
    metadata?: Record<string, unknown> | null;
  },
): Promise<ControlOutcome> {
  const { code, actorId, now } = args;
  const sets: Prisma.Sql[] = [couponTouchedSql(now)];
  if (args.expiresAt !== undefined) sets.push(Prisma.sql`expires_at = ${args.expiresAt}`);
  if (args.maxRedemptions !== undefined) sets.push(Prisma.sql`max_redemptions = ${args.maxRedemptions}`);
  if (args.metadata !== undefined) sets.push(Prisma.sql`metadata = ${args.metadata === null ? null : JSON.stringify(args.metadata)}::jsonb`);
  const limitHolds =
    args.maxRedemptions === undefined || args.maxRedemptions === null ? Prisma.sql`TRUE` : Prisma.sql`t.redemption_count <= ${args.maxRedemptions}`;
  const rows = await tx.rows<ControlRow>(Prisma.sql`
    WITH target AS (${target(code)}),
    upd AS (
      UPDATE coupon c SET ${Prisma.join(sets, ', ')}
      FROM target t WHERE c.id = t.id AND t.state::text <> 'VOID' AND ${limitHolds}
      RETURNING ${couponReturning}
    ),
    ${eventCte({ type: 'UPDATED', from: { column: 'state' }, to: { column: 'state' },
      actor: Prisma.sql`${actorId}::uuid`, user: Prisma.sql`assigned_user_id::uuid`, at: now })}
    SELECT ${summary}, (SELECT array_agg(id) FROM ev) AS event_ids, upd.*
    FROM (SELECT 1) AS one LEFT JOIN upd ON true`);
  return toOutcome(rows[0]);
}

function toOutcome(row: ControlRow | undefined): ControlOutcome {
  if (!row) throw new Error('control statement returned no row');
  return {
    found: row.found > 0,
    state: row.t_state,
    redemptionCount: row.t_redemptions ?? 0,
    everRedeemed: row.t_ever_redeemed ?? false,
    coupon: row.id ? (row as CouponRow) : null,
    eventIds: row.event_ids ?? [],
  };
}
