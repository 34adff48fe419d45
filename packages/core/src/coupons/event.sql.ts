import { Prisma } from '@coupons/db';
import type { CouponEventType, CouponStateName } from './coupon.record.ts';

/** A state the statement names, or one read from the changed row: its state before (`from_state`, returned by `upd`) or after (`state`). */
export type EventState = CouponStateName | { column: 'from_state' | 'state' };

/** What one transition records about each coupon its `upd` CTE changed. */
export interface TransitionEvent {
  /** Any but the bulk import's `CREATED_BULK`, which concerns a book, not a coupon. */
  type: Exclude<CouponEventType, 'CREATED_BULK'>;
  from: EventState;
  to: EventState;
  /** Who made the change, and whose coupon it is: a parameter (`${id}::uuid`) or a column of `upd`. */
  actor: Prisma.Sql;
  user: Prisma.Sql;
  /** An admin's reason, recorded when given (null included). */
  reason?: string | null;
  /** The redemption the change belongs to: `upd` returns it as `redemption_id`. */
  withRedemption?: boolean;
  at: Date;
}

/** A literal, one raw fragment per distinct text (the values are this file's own names, never input). */
const literals = new Map<string, Prisma.Sql>();
const literal = (text: string): Prisma.Sql => {
  let sql = literals.get(text);
  if (!sql) {
    sql = Prisma.raw(text);
    literals.set(text, sql);
  }
  return sql;
};

const stateSql = (state: EventState): Prisma.Sql =>
  literal(typeof state === 'string' ? `'${state}'` : `${state.column}::"CouponState"`);

const REASON_COLUMN = Prisma.raw(', reason');
const REDEMPTION_COLUMN = Prisma.raw(', redemption_id');
const REDEMPTION_VALUE = Prisma.raw(', redemption_id::uuid');

/**
 * The `ev` CTE every single-coupon transition statement ends with: one coupon_event row per coupon its `upd`
 * CTE changed, in the same statement as the change (an event exists exactly when the change
 * does), returning the events' ids as text for the outbox announcement (transition.run.ts).
 * `upd` returns `id` and `book_id` (as `couponReturning` does). A lock that replaces an
 * expired one records two events per row and writes its own CTE (lock.sql.ts).
 */
export function eventCte(event: TransitionEvent): Prisma.Sql {
  const withReason = event.reason !== undefined;
  return Prisma.sql`ev AS (
      INSERT INTO coupon_event (coupon_id, book_id, type, from_state, to_state, actor_id, user_id${withReason ? REASON_COLUMN : Prisma.empty}${event.withRedemption ? REDEMPTION_COLUMN : Prisma.empty}, created_at)
      SELECT id::bigint, book_id::uuid, ${literal(`'${event.type}'`)}, ${stateSql(event.from)}, ${stateSql(event.to)}, ${event.actor}, ${event.user}${withReason ? Prisma.sql`, ${event.reason}` : Prisma.empty}${event.withRedemption ? REDEMPTION_VALUE : Prisma.empty}, ${event.at}
      FROM upd
      RETURNING id::text AS id
    )`;
}
