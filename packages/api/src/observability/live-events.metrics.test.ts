import type { LiveCouponEvent, LiveEvents } from '@coupons/core';
import { describe, expect, it } from 'vitest';
import { instrumentLiveEvents } from './live-events.metrics.ts';
import { createMetrics } from './metrics.ts';

const at = new Date('2026-05-01T12:00:00.000Z');
const event = (id: string, type: LiveCouponEvent['type'], count: number | null = null) => ({ id, type, count, at }) as LiveCouponEvent;

/** A stand-in for the live machinery: an announcer that records, a bus whose batches we push. */
function fakeLive() {
  const sent: string[][] = [];
  let deliver: (events: readonly LiveCouponEvent[]) => void = () => {};
  const live = {
    announcer: { announce: (ids: readonly string[]) => void sent.push([...ids]) },
    couponEvents: {
      onBatch(listener: typeof deliver) {
        deliver = listener;
        return () => true;
      },
    },
  } as unknown as Pick<LiveEvents, 'announcer' | 'couponEvents'>;
  return { live, sent, deliver: (events: LiveCouponEvent[]) => deliver(events) };
}

async function series(metrics: ReturnType<typeof createMetrics>) {
  const text = await metrics.registry.metrics();
  return (name: string) => Number(text.split('\n').find((l) => l.startsWith(`${name} `))?.split(' ')[1] ?? 0);
}

describe('instrumentLiveEvents', () => {
  it("counts this process's transitions once, whichever half arrives first, and never other instances'", async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const { live, sent, deliver } = fakeLive();
    instrumentLiveEvents(live, metrics, { now: () => new Date(at.getTime() + 30) });

    live.announcer.announce(['1', '2']); // announced, then delivered: the usual order
    deliver([event('1', 'ASSIGNED'), event('2', 'LOCKED'), event('3', 'REDEEMED')]); // 3: another instance's
    deliver([event('4', 'LOCK_EXPIRED'), event('5', 'CREATED_BULK', 500)]); // read before their announce
    live.announcer.announce(['4', '5']);
    deliver([event('1', 'ASSIGNED')]); // a duplicate delivery is not a new transition

    expect(sent).toEqual([['1', '2'], ['4', '5']]); // the announcer still sends everything
    const value = await series(metrics);
    expect(value('coupons_coupon_transitions_total{type="ASSIGNED"}')).toBe(1);
    expect(value('coupons_coupon_transitions_total{type="LOCKED"}')).toBe(1);
    expect(value('coupons_coupon_transitions_total{type="REDEEMED"}')).toBe(0);
    expect(value('coupons_coupon_transitions_total{type="LOCK_EXPIRED"}')).toBe(1);
    expect(value('coupons_lock_expirations_total')).toBe(1);
    expect(value('coupons_coupon_transitions_total{type="CREATED_BULK"}')).toBe(500);
    // Lag is observed for every delivery, ours or not: 30 ms each.
    expect(value('coupons_event_delivery_lag_seconds_count')).toBe(6);
    expect(value('coupons_event_delivery_lag_seconds_sum')).toBeCloseTo(0.18);
  });

  it("stays bounded and still counts its own events when other instances' events fill it, at a steady cost per event", async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const { live, deliver } = fakeLive();
    instrumentLiveEvents(live, metrics, { now: () => at });
    // 100,000 events of other instances (never announced here) flow through, then one of ours.
    const others = 100_000;
    const started = process.cpuUsage();
    for (let i = 0; i < others; i += 100) deliver(Array.from({ length: 100 }, (_, j) => event(`o${i + j}`, 'ASSIGNED')));
    const cpu = process.cpuUsage(started);
    deliver([event('mine', 'REDEEMED')]);
    live.announcer.announce(['mine']);
    const value = await series(metrics);
    expect(value('coupons_coupon_transitions_total{type="REDEEMED"}')).toBe(1);
    expect(value('coupons_coupon_transitions_total{type="ASSIGNED"}')).toBe(0);
    // Evicting one entry per event walked V8's holes: ~6 µs per event once full (0.6 s here);
    // in batches it is well under 1 µs. A generous bound, for a busy machine.
    expect((cpu.user + cpu.system) / others).toBeLessThan(3);
  });
});
