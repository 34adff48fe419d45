import type { CouponEventType, CouponRecord, CouponStateName, RedemptionRecord } from '../coupons/coupon.record.ts';

export type { CouponEventType };

/**
 * One committed CouponEvent row, hydrated for live delivery: the coupon as it is *now* (lazy lock
 * expiry applied), the redemption it concerns and the actor, all read in the same statement as
 * the event, once per batch and process, so no subscriber triggers a query of its own.
 */
export interface LiveCouponEvent {
  id: string;
  type: CouponEventType;
  bookId: string;
  /** Null for CREATED_BULK (a summary of many coupons). */
  couponId: string | null;
  fromState: CouponStateName | null;
  toState: CouponStateName | null;
  actorId: string | null;
  /**
   * The holder the transition concerns (after it; for UNASSIGNED the one it was taken from): who
   * (besides admins) may see this event.
   */
  userId: string | null;
  redemptionId: string | null;
  /** CREATED_BULK: how many coupons were created. */
  count: number | null;
  /** Why an admin did it (VOIDED, UNASSIGNED). */
  reason: string | null;
  /** When the transition happened (the service clock at the time). */
  at: Date;
  coupon: CouponRecord | null;
  redemption: RedemptionRecord | null;
  actor: EventActor | null;
}

/** The user who caused a transition (same shape as the users module's public record; no hash). */
export interface EventActor {
  id: string;
  email: string;
  role: 'ADMIN' | 'USER';
  createdAt: Date;
}

/**
 * Whether `caller` may see what belongs to `userId` (a coupon holding, a redemption, an account):
 * admins see everyone's; anyone else only their own. A shop's customer acted for with an API key
 * is a caller of role USER (users/customer.service.ts), so this holds for them too.
 */
export function isOwnOrAdmin(caller: { userId: string; role: string }, userId: string | null | undefined): boolean {
  return caller.role === 'ADMIN' || (userId !== null && userId !== undefined && userId === caller.userId);
}

/**
 * Whether `caller` may see `event`: admins see all; a user only the events of their own holdings
 * of a coupon (`user_id`, the holder the transition concerns), never those of an earlier or a
 * later holder of the same code.
 */
export function canSeeEvent(caller: { userId: string; role: string }, event: Pick<LiveCouponEvent, 'userId'>): boolean {
  return isOwnOrAdmin(caller, event.userId);
}

/**
 * The event as `caller` may see it. An event is hydrated with what is true *now*: the coupon as it
 * is at delivery (a code can change hands: an admin's unassignCoupon, then another user's claim),
 * its redemption and its actor. A USER keeps each only when it is theirs: the actor when they
 * acted, the redemption when they redeemed, the coupon while they hold it; the rest is null (an
 * admin's or another user's account, order metadata or holding is not theirs to learn).
 */
export function eventForCaller(caller: { userId: string; role: string }, event: LiveCouponEvent): LiveCouponEvent {
  if (caller.role === 'ADMIN') return event;
  const actor = event.actor && isOwnOrAdmin(caller, event.actor.id) ? event.actor : null;
  const redemption = event.redemption && isOwnOrAdmin(caller, event.redemption.userId) ? event.redemption : null;
  const coupon = event.coupon && isOwnOrAdmin(caller, event.coupon.assignedUserId) ? event.coupon : null;
  if (actor === event.actor && redemption === event.redemption && coupon === event.coupon) return event;
  return { ...event, actor, redemption, coupon };
}
