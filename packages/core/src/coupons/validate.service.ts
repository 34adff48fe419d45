import { Prisma } from '@coupons/db';
import { type Caller, requireCaller, type ServiceContext } from '../shared/context.ts';
import { DomainError, type ErrorCode, notFound } from '../shared/errors.ts';
import { formatAmount, Money } from '../shared/money.ts';
import { normaliseCode } from '../shared/validation.ts';
import { customerRefusal } from '../users/customer.service.ts';
import { inactiveReasonSql } from './availability.ts';
import { type CouponRecord, type CouponRow, effectiveCouponColumns, lockExpiredSql, toCoupon } from './coupon.record.ts';
import {
  type Discount,
  type DiscountTerms,
  type DiscountType,
  describeDiscount,
  type OrderInput,
  orderRequired,
  priceOrder,
  requireOrder,
} from './discount.ts';
import type { TransitionOutcome } from './lock.sql.ts';
import { transitionError } from './transition.errors.ts';

/** What `validateCoupon` answers: whether the checkout may use the coupon now, and for how much. */
export interface CouponValidation {
  valid: boolean;
  /** The contract code the checkout would hit now (lock, then redeem); null when valid. */
  reason: ErrorCode | null;
  message: string | null;
  /** The book's discount, priced against the order when one is given; null for a code the caller may not see. */
  discount: Discount | null;
  /** The coupon, when the caller may see it (their own, or any for an admin). */
  coupon: CouponRecord | null;
}

/**
 * Refusals that answer the question "can this coupon be used now?". Anything else (the caller is
 * signed out, the database is away) is thrown as usual: it answers nothing about the coupon.
 */
const ANSWERED: ReadonlySet<ErrorCode> = new Set([
  'NOT_FOUND',
  'FORBIDDEN',
  'BAD_USER_INPUT',
  'INVALID_STATE',
  'LOCK_EXPIRED',
  'LIMIT_REACHED',
  'BOOK_NOT_ACTIVE',
  'ORDER_NOT_ELIGIBLE',
]);

/**
 * Tells a checkout whether the caller's coupon would be accepted now — by `lockCoupon` then
 * `redeemCoupon`, or by `redeemCoupon` alone when the caller holds its lock — and what it takes
 * off `order`. Changes nothing and takes no lock: one read of the coupon, its book and the
 * caller's counter, so the answer can be overtaken by a concurrent transition (the redeem
 * re-decides under the row lock; this is advice for the checkout page).
 *
 * The rules and their order are the redeem's: the coupon (not found or not yours → NOT_FOUND,
 * with no probing; state; the book's window) as transition.errors.ts names it, then the order
 * (ORDER_NOT_ELIGIBLE, or BAD_USER_INPUT when the book needs one and none is given), then the per-user redemption limit (LIMIT_REACHED).
 * A malformed code or order is answered too (reason BAD_USER_INPUT), as the redeem would refuse it.
 */
export async function validateCoupon(ctx: ServiceContext, args: { code: string; order?: OrderInput | null }): Promise<CouponValidation> {
  const caller = requireCaller(ctx);
  let visible: ValidationRow | null = null;
  try {
    // A disabled shop's customer: the lock or redeem would be refused before the coupon is looked at.
    if (caller.customer?.disabled) throw customerRefusal('DISABLED');
    const code = normaliseCode('code', args.code);
    const order = args.order === null || args.order === undefined ? null : requireOrder(args.order);
    const row = await readValidationRow(ctx, code);
    if (!row || (caller.role !== 'ADMIN' && row.assigned_user_id !== caller.userId)) throw notFound('Coupon');
    visible = row;
    const refusal = couponRefusal(row, caller);
    if (refusal) throw refusal;
    const terms = termsOf(row);
    const needsOrder = order ? null : orderRequired(terms);
    if (needsOrder) throw needsOrder;
    const discount = order ? priceOrder(terms, order) : describeDiscount(terms);
    // The limits in the order the redeem meets them (redeem.service.ts redeemRefusal).
    // No use left: its own limit, or a single-use book's coupon used already (redeem.sql.ts usesLeft).
    const usedUp = row.code_max_redemptions !== null && row.redemption_count >= row.code_max_redemptions;
    if (usedUp || (!row.allow_multiple_redemptions && row.redemption_count > 0)) {
      throw new DomainError('LIMIT_REACHED', 'This code has no uses left', { limit: 'CODE' });
    }
    if (overBudget(row, discount)) {
      throw new DomainError('LIMIT_REACHED', "The campaign's budget is spent", { limit: 'BOOK_BUDGET' });
    }
    if (row.max_redemptions_per_user !== null && (row.redeemed_count ?? 0) >= row.max_redemptions_per_user) {
      throw new DomainError('LIMIT_REACHED', 'The per-user redemption limit of this book is reached', { limit: 'PER_USER' });
    }
    return { valid: true, reason: null, message: null, discount, coupon: toCoupon(row) };
  } catch (error) {
    if (!(error instanceof DomainError) || !ANSWERED.has(error.code)) throw error;
    return {
      valid: false,
      reason: error.code,
      message: error.message,
      discount: visible ? describeDiscount(termsOf(visible)) : null,
      coupon: visible ? toCoupon(visible) : null,
    };
  }
}

interface ValidationRow extends CouponRow {
  stored_state: string;
  locked_by_id: string | null;
  expired: boolean;
  active: boolean;
  inactive_reason: string | null;
  discount_type: DiscountType;
  discount_value: string;
  currency: string | null;
  min_order_amount: string | null;
  max_redemptions_per_user: number | null;
  redeemed_count: number | null;
  code_max_redemptions: number | null;
  allow_multiple_redemptions: boolean;
  max_total_redemptions: number | null;
  redeemed_total: number;
  max_total_discount_amount: string | null;
  discount_total: string;
}

/** Whether redeeming now would pass the book's budget (the redeem's guard, redeem.sql.ts, read without its lock). */
function overBudget(row: ValidationRow, discount: Discount): boolean {
  if (row.max_total_redemptions !== null && row.redeemed_total >= row.max_total_redemptions) return true;
  if (row.max_total_discount_amount === null) return false;
  const granted = discount.amount ?? (row.discount_type === 'FIXED_AMOUNT' ? row.discount_value : '0');
  return new Money(row.discount_total).plus(granted).greaterThan(row.max_total_discount_amount);
}

/**
 * The coupon (lazily expired, as every read), its stored lock, its book's rules (usable now by
 * the transitions' own rule, availability.ts) and the owner's counter: one statement.
 */
async function readValidationRow(ctx: ServiceContext, code: string): Promise<ValidationRow | null> {
  const now = ctx.clock.now();
  const [row] = await ctx.db.prisma.$queryRaw<ValidationRow[]>(Prisma.sql`
    SELECT ${effectiveCouponColumns(now)}, c.state::text AS stored_state, c.locked_by_id::text AS locked_by_id,
           ${lockExpiredSql(now)} AS expired,
           ${inactiveReasonSql(now, 'b', 'c')} AS inactive_reason, ${inactiveReasonSql(now, 'b', 'c')} IS NULL AS active,
           b.discount_type::text AS discount_type, b.discount_value::text AS discount_value, b.currency,
           b.min_order_amount::text AS min_order_amount, b.max_redemptions_per_user,
           c.max_redemptions AS code_max_redemptions, b.allow_multiple_redemptions, b.max_total_redemptions, b.redeemed_total,
           b.max_total_discount_amount::text AS max_total_discount_amount, b.discount_total::text AS discount_total,
           (SELECT u.redeemed_count FROM user_book_counter u WHERE u.user_id = c.assigned_user_id AND u.book_id = c.book_id) AS redeemed_count
    FROM coupon c JOIN book b ON b.id = c.book_id
    WHERE c.code = ${code}`);
  return row ?? null;
}

/**
 * Why the next step of the checkout would refuse the coupon, or null: a coupon the caller holds
 * the lock of goes to redeem; any other (ASSIGNED, or a lock that ran out) to lock first, then
 * redeem. transition.errors.ts names the refusal exactly as those transitions would.
 */
function couponRefusal(row: ValidationRow, caller: Caller): DomainError | null {
  const outcome: TransitionOutcome = {
    found: true,
    state: row.stored_state,
    ownerId: row.assigned_user_id,
    lockedById: row.locked_by_id,
    lockExpired: row.expired,
    active: row.active,
    inactiveReason: row.inactive_reason,
    coupon: null,
    eventIds: [],
  };
  const held = row.stored_state === 'LOCKED' && !row.expired;
  const next = held ? 'redeem' : 'lock';
  const accepted =
    row.assigned_user_id === caller.userId &&
    row.active &&
    (held ? row.locked_by_id === caller.userId : row.stored_state === 'ASSIGNED' || row.expired);
  return accepted ? null : transitionError(outcome, caller, next);
}

function termsOf(row: ValidationRow): DiscountTerms {
  return {
    discountType: row.discount_type,
    discountValue: Number(row.discount_value),
    currency: row.currency,
    minOrderAmount: row.min_order_amount !== null && row.currency ? formatAmount(row.min_order_amount, row.currency) : null,
    discountBudget: row.max_total_discount_amount !== null,
  };
}
