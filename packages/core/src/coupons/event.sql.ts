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

const stateSql = (state: EventState): Prisma.Sql =>
  typeof state === 'string' ? Prisma.raw(`'${state}'`) : Prisma.raw(`${state.column}::"CouponState"`);

/**
 * The `ev` CTE every single-coupon transition statement ends with: one coupon_event row per coupon its `upd`
 * CTE changed, in the same statement as the change (an event exists exactly when the change
 * does), returning the events' ids as text for the outbox announcement (transition.run.ts).
 * `upd` returns `id` and `book_id` (as `couponReturning` does). A lock that replaces an
 * expired one records two events per row and writes its own CTE (lock.sql.ts).
 */
export function eventCte(event: TransitionEvent): Prisma.Sql {
  const columns = ['coupon_id', 'book_id', 'type', 'from_state', 'to_state', 'actor_id', 'user_id'];
  const values = [
    Prisma.sql`id::bigint`,
    Prisma.sql`book_id::uuid`,
    Prisma.raw(`'${event.type}'`),
    stateSql(event.from),
    stateSql(event.to),
    event.actor,
    event.user,
  ];
  if (event.reason !== undefined) {
    columns.push('reason');
    values.push(Prisma.sql`${event.reason}`);
  }
  if (event.withRedemption) {
    columns.push('redemption_id');
    values.push(Prisma.sql`redemption_id::uuid`);
  }
  columns.push('created_at');
  values.push(Prisma.sql`${event.at}`);
  return Prisma.sql`ev AS (
      INSERT INTO coupon_event (${Prisma.raw(columns.join(', '))})
      SELECT ${Prisma.join(values, ', ')}
      FROM upd
      RETURNING id::text AS id
    )`;
}
