import type { Clock, LiveCouponEvent, LiveEvents } from '@coupons/core';
import type { Metrics } from './metrics.ts';

/** Ids remembered while waiting for their other half (announce ↔ delivery); both happen within ms. */
const MAX_REMEMBERED = 10_000;

/**
 * Feeds the live-event machinery into the metrics, from outside it (core's events module stays
 * free of metrics):
 *
 * - `coupons_event_delivery_lag_seconds`: every event delivered to this process's bus, from its
 *   `at` (the service clock at the transition) to delivery on the same clock.
 * - `coupons_coupon_transitions_total` (and `coupons_lock_expirations_total`): events this process
 *   committed, once each, so the sum over instances counts every transition once. Which events are
 *   "this process's" is known from its announcer (requests, code jobs and the lock sweeper all
 *   announce through `live.announcer`); the type comes from the hydrated event on delivery, so no
 *   query is added. An event may reach the bus before its announce (another instance's NOTIFY or
 *   the outbox poll can read it first), so either half waits, bounded, for the other.
 *   CREATED_BULK counts the coupons it created.
 *
 * Call once per server, before `live.start()`.
 */
export function instrumentLiveEvents(live: Pick<LiveEvents, 'announcer' | 'couponEvents'>, metrics: Metrics, clock: Clock): void {
  const announced = new Set<string>();
  const deliveredFirst = new Map<string, LiveCouponEvent>();
  const record = (event: LiveCouponEvent) =>
    metrics.recordTransition(event.type, event.type === 'CREATED_BULK' ? (event.count ?? 1) : 1);

  const announce = live.announcer.announce.bind(live.announcer);
  live.announcer.announce = (eventIds) => {
    for (const id of eventIds) {
      const event = deliveredFirst.get(id);
      if (event) {
        deliveredFirst.delete(id);
        record(event);
      } else {
        remember(announced, id);
      }
    }
    announce(eventIds);
  };

  live.couponEvents.onBatch((events) => {
    const deliveredAt = clock.now();
    for (const event of events) {
      metrics.observeEventLag(event.at, deliveredAt);
      if (announced.delete(event.id)) record(event);
      else remember(deliveredFirst, event.id, event);
    }
  });
}

/** How many of the oldest entries go at once when a collection is full. */
const FORGET_AT_ONCE = MAX_REMEMBERED / 10;

/**
 * Adds to a bounded, insertion-ordered collection, forgetting the oldest tenth when full.
 *
 * Not one entry per insert: a deleted entry stays a hole at the front of V8's hash table until
 * it is rehashed, and `keys().next()` walks every hole, so evicting one at a time cost ~6 µs per
 * delivered event once full (0.6% of the API's CPU on assign-hot, the largest self time of the
 * project's code: events committed by other processes or by plain SQL are delivered here but
 * never announced, so the map stays full). In batches it is ~0.2 µs.
 */
function remember<T>(into: Set<string> | Map<string, T>, id: string, value?: T): void {
  if (into.size >= MAX_REMEMBERED) {
    let forget = FORGET_AT_ONCE;
    for (const oldest of into.keys()) {
      into.delete(oldest);
      if (--forget === 0) break;
    }
  }
  if (into instanceof Map) into.set(id, value as T);
  else into.add(id);
}
