import { recordAudit } from '../audit/audit.service.ts';
import { requireActingForOthers } from '../shared/access.ts';
import { Prisma } from '@coupons/db';
import { INPUT_LIMITS } from '@coupons/rules';
import { type Caller, requireCaller, type ServiceContext } from '../shared/context.ts';
import { badInput, DomainError, notFound } from '../shared/errors.ts';
import { formatAmount, Money } from '../shared/money.ts';
import { normaliseCode, optionalIdempotencyKey, requireMetadata, requireText, requireUuid } from '../shared/validation.ts';
import { type RedemptionRecord, type RedemptionRow, toRedemption } from './coupon.record.ts';
import { type Order, type OrderInput, priceOrder, requireOrder, requireOrderId } from './discount.ts';
import { reviveDates } from './idempotency.ts';
import { lockRanOut, type RedeemOutcome, readRedeemTarget, redeemCouponSql, reverseRedemptionSql } from './redeem.sql.ts';
import type { Tx } from './transition.ts';
import { transitionError } from './transition.errors.ts';
import { runTransition, type TransitionResult } from './transition.run.ts';

const REDEMPTION_DATES = ['redeemedAt', 'reversedAt'] as const;

/**
 * Redeems the caller's locked coupon. With an `idempotencyKey`, a retry (even 20 at once)
 * returns the first Redemption and redeems nothing more. With an `order`, the redemption records
 * the order and its discount (priced from the book under the coupon's row lock), an order the
 * book refuses is ORDER_NOT_ELIGIBLE, and one order redeems the coupon at most once: a repeat
 * returns the order's redemption (see {@link redeemForOrder}).
 */
export async function redeemCoupon(
  ctx: ServiceContext,
  args: { code: string; idempotencyKey?: string | null; metadata?: unknown; order?: OrderInput | null },
): Promise<RedemptionRecord> {
  const caller = requireCaller(ctx);
  const code = normaliseCode('code', args.code);
  const key = optionalIdempotencyKey(args.idempotencyKey) ?? null;
  const metadata = args.metadata === undefined || args.metadata === null ? null : requireMetadata('metadata', args.metadata);
  const order = args.order === null || args.order === undefined ? null : requireOrder(args.order);
  const orderArgs = order && { id: order.id, amount: order.amount.toString(), currency: order.currency };
  return runTransition(ctx, {
    caller,
    operation: 'redeemCoupon',
    key,
    args: order ? { code, metadata, order: orderArgs } : { code, metadata },
    revive: (stored) => reviveDates<RedemptionRecord>(stored, REDEMPTION_DATES),
    run: async (tx) => {
      const now = ctx.clock.now();
      if (order) return redeemForOrder(tx, { caller, code, now, key, metadata, order });
      const outcome = await redeemCouponSql(tx, { code, userId: caller.userId, now, idempotencyKey: key, metadata });
      if (!outcome.redemption) throw await redeemRefusal(tx, outcome, caller, code);
      return { value: toRedemption(outcome.redemption), eventIds: outcome.eventIds };
    },
  });
}

/**
 * A redeem with an order, on the open transaction: lock the coupon row and read it with the
 * book's terms and the coupon's unreversed redemption for this order (readRedeemTarget), then
 * decide in this order: the order already redeemed this coupon → that redemption, as an
 * idempotent retry (no write, no event); the coupon cannot be redeemed → the usual refusal; the
 * book refuses the order → ORDER_NOT_ELIGIBLE; else the guarded write (redeemCouponSql) with
 * the discount. validateCoupon answers from the same rules in the same order.
 */
async function redeemForOrder(
  tx: Tx,
  args: { caller: Caller; code: string; now: Date; key: string | null; metadata: unknown; order: Order },
): Promise<TransitionResult<RedemptionRecord>> {
  const { caller, code, now, order } = args;
  const target = await readRedeemTarget(tx, { code, userId: caller.userId, orderId: order.id, now });
  const own = target.found && target.ownerId === caller.userId;
  // Only the owner learns that the order redeemed it: to anyone else the code stays NOT_FOUND.
  if (own && target.existing) return { value: retriedRedemption(target.existing, order), eventIds: [] };
  const redeemable = own && target.active && target.state === 'LOCKED' && !target.lockExpired && target.lockedById === caller.userId;
  if (!redeemable || !target.terms) {
    throw await redeemRefusal(tx, { ...target, coupon: null, eventIds: [], counted: true, redemption: null }, caller, code);
  }
  const discount = priceOrder(target.terms, order);
  const outcome = await redeemCouponSql(tx, {
    code,
    userId: caller.userId,
    now,
    idempotencyKey: args.key,
    metadata: args.metadata,
    rowLocked: true,
    order: { id: order.id, amount: formatAmount(order.amount, order.currency), discount: discount.amount ?? '0', currency: order.currency },
  });
  if (!outcome.redemption) throw await redeemRefusal(tx, outcome, caller, code);
  return { value: toRedemption(outcome.redemption), eventIds: outcome.eventIds };
}

/**
 * The order's earlier redemption of this coupon, answered again. The same order id with another
 * amount or currency is not a retry but a mistake (like an idempotency key reused with other
 * arguments): BAD_USER_INPUT.
 */
function retriedRedemption(existing: RedemptionRow, order: Order): RedemptionRecord {
  const sameOrder = existing.currency === order.currency && existing.order_amount !== null && order.amount.equals(new Money(existing.order_amount));
  if (!sameOrder) throw badInput('order', `order ${JSON.stringify(order.id)} already redeemed this coupon with another amount or currency`);
  return toRedemption(existing);
}

/**
 * ADMIN: reverses a redemption (refund/cancel) without deleting it; gives the use back. The
 * redemption is named by its id, or by the order it paid for and the coupon's code (a shop's
 * refund knows those): exactly one of the two, else BAD_USER_INPUT.
 */
export async function reverseRedemption(
  ctx: ServiceContext,
  args: { redemptionId?: string | null; orderId?: string | null; code?: string | null; reason: string },
): Promise<RedemptionRecord> {
  const caller = requireActingForOthers(ctx);
  const target = reversalTarget(args);
  const reason = requireText('reason', args.reason, { max: INPUT_LIMITS.reason, multiline: true });
  return runTransition(ctx, {
    caller,
    operation: 'reverseRedemption',
    args: { ...target, reason },
    revive: (stored) => reviveDates<RedemptionRecord>(stored, REDEMPTION_DATES),
    run: async (tx) => {
      const redemptionId = 'redemptionId' in target ? target.redemptionId : await redemptionOfOrder(tx, target);
      if (!redemptionId) throw notFound('Redemption');
      const outcome = await reverseRedemptionSql(tx, { redemptionId, adminId: caller.userId, reason, now: ctx.clock.now() });
      if (!outcome.found) throw notFound('Redemption', redemptionId);
      if (!outcome.redemption) throw new DomainError('INVALID_STATE', 'This redemption is already reversed', { state: 'REVERSED' });
      const redemption = toRedemption(outcome.redemption);
      await recordAudit(tx, caller, {
        action: 'REDEMPTION_REVERSED',
        targetType: 'REDEMPTION',
        targetId: redemptionId,
        changes: { reason, orderId: redemption.orderId ?? null, couponId: redemption.couponId },
      });
      return { value: redemption, eventIds: outcome.eventIds };
    },
  });
}

/** Which redemption a reversal names: by id, or by order id and code (exactly one way). */
function reversalTarget(args: {
  redemptionId?: string | null;
  orderId?: string | null;
  code?: string | null;
}): { redemptionId: string } | { orderId: string; code: string } {
  const byId = args.redemptionId !== null && args.redemptionId !== undefined;
  const byOrder = (args.orderId !== null && args.orderId !== undefined) || (args.code !== null && args.code !== undefined);
  if (byId === byOrder) throw badInput('redemptionId', 'give either redemptionId, or orderId with code (exactly one of the two)');
  if (byId) return { redemptionId: requireUuid('redemptionId', args.redemptionId as string) };
  if (args.orderId === null || args.orderId === undefined) throw badInput('orderId', 'is required with code');
  if (args.code === null || args.code === undefined) throw badInput('code', 'is required with orderId');
  return { orderId: requireOrderId('orderId', args.orderId), code: normaliseCode('code', args.code) };
}

/**
 * The redemption an order made with a code: the unreversed one (there is at most one, by the
 * partial unique index), else the latest reversed one, so that reversing twice answers
 * INVALID_STATE ("already reversed") rather than NOT_FOUND. reverseRedemptionSql then locks it
 * and re-checks it at its latest version: a racing reversal of the same order finds it reversed.
 */
async function redemptionOfOrder(tx: Tx, target: { orderId: string; code: string }): Promise<string | null> {
  const rows = await tx.rows<{ id: string }>(Prisma.sql`
    SELECT r.id::text AS id FROM redemption r JOIN coupon c ON c.id = r.coupon_id
    WHERE c.code = ${target.code} AND r.order_id = ${target.orderId}
    ORDER BY r.reversed_at IS NULL DESC, r.redeemed_at DESC LIMIT 1`);
  return rows[0]?.id ?? null;
}

/**
 * Why a redeem changed nothing, read while the transaction still holds the coupon's row lock. A
 * lock that passed every check but the counter's guard met the per-user redemption limit. An
 * expired lock is LOCK_EXPIRED whether the statement saw it still LOCKED (lazy expiry) or the
 * sweeper had already moved it back to ASSIGNED: the answer must not depend on a background timer.
 */
async function redeemRefusal(tx: Tx, outcome: RedeemOutcome, caller: Caller, code: string): Promise<DomainError> {
  const redeemable =
    outcome.found && outcome.active && outcome.state === 'LOCKED' && !outcome.lockExpired && outcome.lockedById === caller.userId;
  // The order comes before the limits, as in an order's redeem (priceOrder, then the guarded write).
  if (redeemable && outcome.orderRequired) return outcome.orderRequired;
  if (redeemable && outcome.codeUsesLeft === false) {
    return new DomainError('LIMIT_REACHED', 'This code has no uses left', { limit: 'CODE' });
  }
  if (redeemable && outcome.withinBudget === false) {
    return new DomainError('LIMIT_REACHED', "The campaign's budget is spent", { limit: 'BOOK_BUDGET' });
  }
  if (redeemable && !outcome.counted) {
    return new DomainError('LIMIT_REACHED', 'The per-user redemption limit of this book is reached', { limit: 'PER_USER' });
  }
  const error = transitionError(outcome, caller, 'redeem');
  // A redeem by code read it in its own statement (its transaction is over); others read it now, under the row lock.
  if (error.code === 'INVALID_STATE' && error.details.state === 'ASSIGNED' && (outcome.lockRanOut ?? (await lockRanOut(tx, code)))) {
    return new DomainError('LOCK_EXPIRED', 'The lock on this coupon has expired: lock it again', { state: 'ASSIGNED' });
  }
  return error;
}

