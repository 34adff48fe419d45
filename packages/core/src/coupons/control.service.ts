import { INPUT_LIMITS } from '@coupons/rules';
import { recordAudit } from '../audit/audit.service.ts';
import { requireAdmin } from '../shared/access.ts';
import type { ServiceContext } from '../shared/context.ts';
import { badInput, DomainError, notFound } from '../shared/errors.ts';
import { normaliseCode, requireDateTime, requireMetadata, requireText } from '../shared/validation.ts';
import { type CouponRecord, type CouponRow, toCoupon } from './coupon.record.ts';
import { type ControlOutcome, forceUnlockCouponSql, unassignCouponSql, updateCouponSql, voidCouponSql } from './control.sql.ts';
import { reviveDates } from './idempotency.ts';
import { lockCouponRow } from './lock.sql.ts';
import type { Tx } from './transition.ts';
import { runTransition } from './transition.run.ts';

// What an admin does to one coupon: void a leaked code, take a coupon back into its book, or
// override its expiry, use limit and notes. Each is a transition like a shopper's (one short
// transaction, row lock first), announced to live subscribers after commit and audited.

const COUPON_DATES = ['assignedAt', 'lockExpiresAt', 'expiresAt', 'createdAt', 'updatedAt'] as const;
const revive = (stored: unknown) => reviveDates<CouponRecord>(stored, COUPON_DATES);
const REASON_MAX = INPUT_LIMITS.reason;
const INT4_MAX = 2_147_483_647;

/** ADMIN: voids a coupon for good (a leaked code): every transition on it is refused from now on. */
export async function voidCoupon(ctx: ServiceContext, args: { code: string; reason: string }): Promise<CouponRecord> {
  return controlWithReason(ctx, 'voidCoupon', args, requiredReason, voidCouponSql, async (outcome, audit) => {
    if (outcome.state === 'VOID') throw new DomainError('INVALID_STATE', 'This coupon is already void', { state: 'VOID' });
    await audit('COUPON_VOIDED');
  });
}

/**
 * ADMIN: takes an ASSIGNED or LOCKED coupon that was never redeemed back into its book; the
 * owner's assignment is given back. A used coupon cannot be recycled: void it instead.
 */
export async function unassignCoupon(ctx: ServiceContext, args: { code: string; reason: string }): Promise<CouponRecord> {
  return controlWithReason(ctx, 'unassignCoupon', args, requiredReason, unassignCouponSql, async (outcome, audit) => {
    if (outcome.coupon) return audit('COUPON_UNASSIGNED');
    if (outcome.everRedeemed) {
      throw new DomainError('INVALID_STATE', 'This coupon has been redeemed: it cannot go back to the book (void it instead)', {
        state: outcome.state,
      });
    }
    throw new DomainError('INVALID_STATE', `Only an ASSIGNED or LOCKED coupon can be unassigned; this one is ${outcome.state}`, {
      state: outcome.state,
    });
  });
}

/**
 * ADMIN: releases a running lock on any coupon, whoever holds it (a checkout that hangs, a shopper
 * on the phone): LOCKED → ASSIGNED, the owner keeps the coupon. The reason is optional. A coupon
 * that is not locked at this moment (never locked, its lock expired, redeemed, void) answers
 * INVALID_STATE with its state, as it would after whatever made it so.
 */
export async function forceUnlockCoupon(ctx: ServiceContext, args: { code: string; reason?: string | null }): Promise<CouponRecord> {
  return controlWithReason(ctx, 'forceUnlockCoupon', args, optionalReason, forceUnlockCouponSql, async (outcome, audit) => {
    if (!outcome.coupon) {
      throw new DomainError('INVALID_STATE', `Only a LOCKED coupon can be unlocked; this one is ${outcome.state}`, { state: outcome.state });
    }
    // Released under the row lock while live: the state it was in is LOCKED.
    await audit('COUPON_UNLOCKED');
  });
}

const requiredReason = (value: unknown): string => requireText('reason', value, { max: REASON_MAX, multiline: true });
const optionalReason = (value: unknown): string | null => requireText('reason', value, { max: REASON_MAX, multiline: true, optional: true });

/**
 * A control that takes a reason (void, unassign: required; force unlock: optional): checks the
 * caller, the code and the reason (`readReason`), runs `statement` as a transition, and hands what
 * it saw to `settle`, which refuses by throwing or records the audit entry (`audit(action)`: the
 * reason, when there is one, and the state the coupon was in).
 */
async function controlWithReason<Reason extends string | null>(
  ctx: ServiceContext,
  operation: 'voidCoupon' | 'unassignCoupon' | 'forceUnlockCoupon',
  args: { code: string; reason?: string | null },
  readReason: (value: unknown) => Reason,
  statement: (tx: Tx, args: { code: string; actorId: string; reason: Reason; now: Date }) => Promise<ControlOutcome>,
  settle: (outcome: ControlOutcome, audit: (action: 'COUPON_VOIDED' | 'COUPON_UNASSIGNED' | 'COUPON_UNLOCKED') => Promise<void>) => Promise<void>,
): Promise<CouponRecord> {
  const caller = requireAdmin(ctx);
  const code = normaliseCode('code', args.code);
  const reason = readReason(args.reason);
  return runTransition(ctx, {
    caller,
    operation,
    args: { code, reason },
    revive,
    run: (tx) =>
      control(
        tx,
        code,
        () => statement(tx, { code, actorId: caller.userId, reason, now: ctx.clock.now() }),
        (outcome) =>
          settle(outcome, (action) => {
            const changes = reason === null ? { from: outcome.state } : { reason, from: outcome.state };
            return recordAudit(tx, caller, { action, targetType: 'COUPON', targetId: code, changes });
          }),
      ),
  });
}

/** What updateCoupon changes: `undefined` keeps a field, `null` clears it. */
export interface UpdateCouponInput {
  expiresAt?: Date | null;
  maxRedemptions?: number | null;
  metadata?: unknown;
}

/** ADMIN: per-code overrides, applied by every transition (see control.sql.ts). */
export async function updateCoupon(ctx: ServiceContext, args: { code: string; input: UpdateCouponInput }): Promise<CouponRecord> {
  const caller = requireAdmin(ctx);
  const code = normaliseCode('code', args.code);
  const { expiresAt, maxRedemptions, metadata } = args.input;
  if (expiresAt !== undefined && expiresAt !== null) requireDateTime('expiresAt', expiresAt);
  if (maxRedemptions !== undefined && maxRedemptions !== null && (!Number.isInteger(maxRedemptions) || maxRedemptions < 1 || maxRedemptions > INT4_MAX)) {
    throw badInput('maxRedemptions', 'must be an integer of at least 1 (or null for the book’s rule)');
  }
  const notes = metadata === undefined || metadata === null ? metadata : requireMetadata('metadata', metadata);
  return runTransition(ctx, {
    caller,
    operation: 'updateCoupon',
    args: { code, input: args.input },
    revive,
    run: (tx) =>
      control(
        tx,
        code,
        () => updateCouponSql(tx, { code, actorId: caller.userId, now: ctx.clock.now(), expiresAt, maxRedemptions, metadata: notes }),
        async (outcome) => {
          if (!outcome.coupon && outcome.state === 'VOID') throw new DomainError('INVALID_STATE', 'A void coupon cannot be changed', { state: 'VOID' });
          if (!outcome.coupon) {
            throw badInput('maxRedemptions', `must be at least ${outcome.redemptionCount}: the coupon was already used that many times`);
          }
          const changes = Object.fromEntries(
            Object.entries({ expiresAt, maxRedemptions, metadata: notes }).filter(([, value]) => value !== undefined),
          );
          await recordAudit(tx, caller, { action: 'COUPON_UPDATED', targetType: 'COUPON', targetId: code, changes });
        },
      ),
  });
}

/** Step 1 (the row lock), step 2, then `after` on what step 2 saw (refuse by throwing, or audit). */
async function control(
  tx: Tx,
  code: string,
  step2: () => Promise<ControlOutcome>,
  after: (outcome: ControlOutcome) => Promise<void>,
): Promise<{ value: CouponRecord; eventIds: string[] }> {
  if (!(await lockCouponRow(tx, code))) throw notFound('Coupon', code);
  const outcome = await step2();
  await after(outcome);
  if (!outcome.coupon) throw new Error('control transition wrote nothing yet refused nothing');
  return { value: toCoupon(outcome.coupon as CouponRow), eventIds: outcome.eventIds };
}

