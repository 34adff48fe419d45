import type { BadgeTone } from '@/components/controls/badge';
import type { CouponEventType, WebhookDeliveryStatus } from '@/gql/graphql';

/** The event types an endpoint can receive, in the order a coupon lives them, with what each means. */
export const WEBHOOK_EVENT_TYPES: ReadonlyArray<{ type: CouponEventType; label: string; description: string }> = [
  { type: 'ASSIGNED', label: 'Assigned', description: 'A coupon was given to a shopper (claimed, assigned or distributed).' },
  { type: 'LOCKED', label: 'Locked', description: 'A shopper reserved a coupon for checkout.' },
  { type: 'UNLOCKED', label: 'Unlocked', description: 'A checkout reservation was released.' },
  { type: 'LOCK_EXPIRED', label: 'Lock expired', description: 'A checkout reservation ran out unredeemed.' },
  { type: 'REDEEMED', label: 'Redeemed', description: 'A coupon was used for an order.' },
  { type: 'REVERSED', label: 'Reversed', description: 'A redemption was refunded or cancelled; the use is given back.' },
  { type: 'VOIDED', label: 'Voided', description: 'An admin voided a code for good.' },
  { type: 'UNASSIGNED', label: 'Unassigned', description: 'An admin took a coupon back from its owner.' },
  { type: 'UPDATED', label: 'Updated', description: "An admin changed a code's expiry, use limit or notes." },
  { type: 'CREATED_BULK', label: 'Codes created', description: 'A batch of codes was generated or uploaded.' },
];

/** "REDEEMED" → "Redeemed"; WEBHOOK_TEST → "Test"; an unknown type as it is. */
export function eventLabel(type: string): string {
  if (type === 'WEBHOOK_TEST') return 'Test';
  return WEBHOOK_EVENT_TYPES.find((e) => e.type === type)?.label ?? type;
}

/** What a delivery's status reads as, and its colour. */
export function deliveryStatus(delivery: { status: WebhookDeliveryStatus; inFlight: boolean; attempts: number }): { label: string; tone: BadgeTone } {
  if (delivery.status === 'DELIVERED') return { label: 'Delivered', tone: 'success' };
  if (delivery.status === 'FAILED') return { label: 'Failed', tone: 'danger' };
  if (delivery.inFlight) return { label: 'Sending', tone: 'primary' };
  return delivery.attempts === 0 ? { label: 'Pending', tone: 'muted' } : { label: 'Retrying', tone: 'warning' };
}
