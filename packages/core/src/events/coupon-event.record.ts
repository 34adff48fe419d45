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
  /** The coupon's owner after the transition: who (besides admins) may see this event. */
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

/** Whether `caller` may see `event`: admins see all; a user only events about their own coupons. */
export function canSeeEvent(caller: { userId: string; role: string }, event: Pick<LiveCouponEvent, 'userId'>): boolean {
  return caller.role === 'ADMIN' || (event.userId !== null && event.userId === caller.userId);
}

/**
 * The event as `caller` may see it. A USER sees who acted only when it was themselves: an
 * admin's or another user's account (email) is not theirs to learn from a coupon event.
 */
export function eventForCaller(caller: { userId: string; role: string }, event: LiveCouponEvent): LiveCouponEvent {
  if (caller.role === 'ADMIN' || event.actor === null || event.actor.id === caller.userId) return event;
  return { ...event, actor: null };
}
