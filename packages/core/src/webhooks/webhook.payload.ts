import type { LiveCouponEvent } from '../events/coupon-event.record.ts';

// The body of a webhook: `{ id, type, createdAt, data }`, built once per event when it is fanned
// out and stored with each delivery, so every attempt (and a redelivery) sends the same bytes.

/** The book as a webhook shows it. */
export interface WebhookBook {
  id: string;
  name: string;
  discountType: string;
  discountValue: string;
  currency: string | null;
  status: string;
}

/** The coupon's owner: the person's email, or the shop's customer id for a customer. */
export interface WebhookUser {
  id: string;
  email: string | null;
  customerId: string | null;
}

/** `evt_<CouponEvent id>`: `webhook-id` and the body's `id`, the same on every attempt. */
export const eventMessageId = (eventId: string) => `evt_${eventId}`;

/**
 * The JSON body for one coupon event. `data.coupon` is the coupon as it was read when the event
 * was fanned out (normally milliseconds after the transition; `data.transition` says what the
 * transition itself was), `data.user` its owner after the transition.
 */
export function couponEventBody(event: LiveCouponEvent, book: WebhookBook | null, user: WebhookUser | null): string {
  const coupon = event.coupon;
  const redemption = event.redemption;
  return JSON.stringify({
    id: eventMessageId(event.id),
    type: event.type,
    createdAt: event.at.toISOString(),
    data: {
      coupon: coupon && {
        id: coupon.id,
        code: coupon.code,
        state: coupon.state,
        bookId: coupon.bookId,
        assignedUserId: coupon.assignedUserId,
        assignedAt: coupon.assignedAt?.toISOString() ?? null,
        lockExpiresAt: coupon.lockExpiresAt?.toISOString() ?? null,
        redemptionCount: coupon.redemptionCount,
        expiresAt: coupon.expiresAt?.toISOString() ?? null,
      },
      book,
      user,
      redemption: redemption && {
        id: redemption.id,
        couponId: redemption.couponId,
        userId: redemption.userId,
        redeemedAt: redemption.redeemedAt.toISOString(),
        orderId: redemption.orderId,
        orderAmount: redemption.orderAmount,
        discountAmount: redemption.discountAmount,
        currency: redemption.currency,
        reversedAt: redemption.reversedAt?.toISOString() ?? null,
        reversalReason: redemption.reversalReason,
      },
      transition: {
        eventId: event.id,
        fromState: event.fromState,
        toState: event.toState,
        actorId: event.actorId,
        reason: event.reason,
        ...(event.type === 'CREATED_BULK' ? { count: event.count } : {}),
      },
    },
  });
}

/** The body of `sendTestWebhook`: type `WEBHOOK_TEST`, no coupon. */
export function testBody(messageId: string, endpointId: string, at: Date): string {
  return JSON.stringify({
    id: messageId,
    type: 'WEBHOOK_TEST',
    createdAt: at.toISOString(),
    data: { endpointId, message: 'A test delivery from the Coupon Book Service' },
  });
}
