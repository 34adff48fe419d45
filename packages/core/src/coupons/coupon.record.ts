import { Prisma } from '@coupons/db';
import { formatAmount } from '../shared/money.ts';

export type CouponStateName = 'UNASSIGNED' | 'ASSIGNED' | 'LOCKED' | 'REDEEMED' | 'VOID';

/** A coupon as the domain returns it, with lazy lock expiry already applied. */
export interface CouponRecord {
  id: string;
  bookId: string;
  code: string;
  state: CouponStateName;
  assignedUserId: string | null;
  assignedAt: Date | null;
  lockExpiresAt: Date | null;
  redemptionCount: number;
  /** Per-code overrides (updateCoupon): an expiry, a use limit, notes (null when not set). */
  expiresAt: Date | null;
  maxRedemptions: number | null;
  metadata: Record<string, unknown> | null;
  createdAt: Date;
  updatedAt: Date;
}

/** An audit row per redemption (never deleted; a reversal fills `reversed*`). */
export interface RedemptionRecord {
  id: string;
  couponId: string;
  bookId: string;
  userId: string;
  redeemedAt: Date;
  idempotencyKey: string | null;
  metadata: unknown;
  reversedAt: Date | null;
  reversedById: string | null;
  reversalReason: string | null;
  /** The shop's order this redemption paid for (all four order fields are set, or none). */
  orderId: string | null;
  /** Decimal strings in `currency`'s minor units ("59.90"). */
  orderAmount: string | null;
  discountAmount: string | null;
  currency: string | null;
}

/**
 * THE lazy-expiry rule, in one place: a LOCKED coupon whose `lock_expires_at` has passed is
 * ASSIGNED for every operation and every read, whether or not the sweeper has recorded it yet.
 * Every statement that reads or guards on a lock builds on these two expressions.
 */
export function lockExpiredSql(now: Date, alias = 'c'): Prisma.Sql {
  const a = Prisma.raw(alias);
  return Prisma.sql`(${a}.state = 'LOCKED' AND ${a}.lock_expires_at <= ${now})`;
}

/** A lock that is still running at `now` (the complement of {@link lockExpiredSql} among LOCKED rows). */
export function lockLiveSql(now: Date, alias = 'c'): Prisma.Sql {
  const a = Prisma.raw(alias);
  return Prisma.sql`(${a}.state = 'LOCKED' AND ${a}.lock_expires_at > ${now})`;
}

/** SQL expression of a coupon's state at `now`, by the lazy-expiry rule (for reads and WHERE clauses). */
export function effectiveStateSql(now: Date, alias = 'c'): Prisma.Sql {
  const a = Prisma.raw(alias);
  return Prisma.sql`(CASE WHEN ${lockExpiredSql(now, alias)} THEN 'ASSIGNED' ELSE ${a}.state::text END)`;
}

/** What a coupon_event row records (the CouponEventType enum). */
export type CouponEventType =
  | 'CREATED_BULK'
  | 'ASSIGNED'
  | 'LOCKED'
  | 'UNLOCKED'
  | 'LOCK_EXPIRED'
  | 'REDEEMED'
  | 'REVERSED'
  | 'VOIDED'
  | 'UNASSIGNED'
  | 'UPDATED';

/** Every coupon state, in the order of the CouponState enum. */
export const COUPON_STATES: readonly CouponStateName[] = ['UNASSIGNED', 'ASSIGNED', 'LOCKED', 'REDEEMED', 'VOID'];

/**
 * WHERE clause: the coupon's state at `now` is `state`, by {@link effectiveStateSql}. The CASE
 * alone is opaque to the planner, so it comes with what it implies, in terms an index can use
 * (the same two lock expressions): LOCKED is a live lock (a range of coupon_lock_expiry_idx),
 * ASSIGNED is ASSIGNED or an expired lock, any other state is stored as such (a plain `=`, so
 * (book_id, state, created_at, id) gives that state's codes in order).
 */
export function effectiveStateIsSql(now: Date, state: CouponStateName, alias = 'c'): Prisma.Sql {
  const a = Prisma.raw(alias);
  let implied: Prisma.Sql;
  if (state === 'LOCKED') implied = lockLiveSql(now, alias);
  else if (state === 'ASSIGNED') implied = Prisma.sql`(${a}.state = 'ASSIGNED' OR ${lockExpiredSql(now, alias)})`;
  else implied = Prisma.sql`${a}.state = ${state}::"CouponState"`;
  return Prisma.sql`(${implied} AND ${effectiveStateSql(now, alias)} = ${state})`;
}

/**
 * The coupon columns for a read at time `now`: a lock past its expiry reads as ASSIGNED with no
 * expiry (lazy expiry, in SQL, so filters by state agree with what is returned).
 */
export function effectiveCouponColumns(now: Date, alias = 'c'): Prisma.Sql {
  const a = Prisma.raw(alias);
  return Prisma.sql`${a}.id::text AS id, ${a}.book_id::text AS book_id, ${a}.code,
    ${effectiveStateSql(now, alias)} AS state,
    ${a}.assigned_user_id::text AS assigned_user_id, ${a}.assigned_at,
    (CASE WHEN ${lockLiveSql(now, alias)} THEN ${a}.lock_expires_at END) AS lock_expires_at,
    ${a}.redemption_count, ${a}.expires_at, ${a}.max_redemptions, ${a}.metadata, ${a}.created_at, ${a}.updated_at`;
}

/** Row shape of {@link effectiveCouponColumns} and of `RETURNING` lists written to match it. */
export interface CouponRow {
  id: string;
  book_id: string;
  code: string;
  state: string;
  assigned_user_id: string | null;
  assigned_at: Date | null;
  lock_expires_at: Date | null;
  redemption_count: number;
  /** A string when the row travelled through `to_jsonb` (live events); absent in older rows. */
  expires_at?: Date | string | null;
  max_redemptions?: number | null;
  metadata?: Record<string, unknown> | null;
  created_at: Date;
  updated_at: Date;
}

export function toCoupon(row: CouponRow): CouponRecord {
  return {
    id: String(row.id),
    bookId: row.book_id,
    code: row.code,
    state: row.state as CouponStateName,
    assignedUserId: row.assigned_user_id,
    assignedAt: row.assigned_at,
    lockExpiresAt: row.lock_expires_at,
    redemptionCount: Number(row.redemption_count),
    expiresAt: row.expires_at ? new Date(row.expires_at) : null,
    maxRedemptions: row.max_redemptions ?? null,
    metadata: row.metadata ?? null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export interface RedemptionRow {
  id: string;
  coupon_id: string;
  book_id: string;
  user_id: string;
  redeemed_at: Date;
  idempotency_key: string | null;
  metadata: unknown;
  reversed_at: Date | null;
  reversed_by_id: string | null;
  reversal_reason: string | null;
  order_id: string | null;
  /** numeric as text (see {@link redemptionReturning}). */
  order_amount: string | null;
  discount_amount: string | null;
  currency: string | null;
}

export function toRedemption(row: RedemptionRow): RedemptionRecord {
  return {
    id: row.id,
    couponId: String(row.coupon_id),
    bookId: row.book_id,
    userId: row.user_id,
    redeemedAt: row.redeemed_at,
    idempotencyKey: row.idempotency_key,
    metadata: row.metadata,
    reversedAt: row.reversed_at,
    reversedById: row.reversed_by_id,
    reversalReason: row.reversal_reason,
    orderId: row.order_id ?? null,
    orderAmount: money(row.order_amount, row.currency),
    discountAmount: money(row.discount_amount, row.currency),
    currency: row.currency ?? null,
  };
}

const money = (amount: string | null | undefined, currency: string | null | undefined) =>
  amount === null || amount === undefined || !currency ? null : formatAmount(amount, currency);

/** `RETURNING` list of a coupon row, typed to match {@link CouponRow}. */
export const couponReturning = Prisma.sql`c.id::text AS id, c.book_id::text AS book_id, c.code, c.state::text AS state,
  c.assigned_user_id::text AS assigned_user_id, c.assigned_at, c.lock_expires_at, c.redemption_count,
  c.expires_at, c.max_redemptions, c.metadata, c.created_at, c.updated_at`;

/**
 * `RETURNING` list of a redemption row, typed to match {@link RedemptionRow}. Amounts as text:
 * these rows also travel through `to_jsonb`, which would make a numeric a JSON number (a float).
 */
export const redemptionReturning = Prisma.sql`r.id::text AS id, r.coupon_id::text AS coupon_id, r.book_id::text AS book_id,
  r.user_id::text AS user_id, r.redeemed_at, r.idempotency_key, r.metadata, r.reversed_at,
  r.reversed_by_id::text AS reversed_by_id, r.reversal_reason, r.order_id,
  r.order_amount::text AS order_amount, r.discount_amount::text AS discount_amount, r.currency`;
