import type { Client } from 'graphql-ws';
import { connectClient, type Recorded, record } from './graphql-ws.client.ts';
import { createBookWithCodes, mutate, waitFor } from './live-events.helpers.ts';

/** Delivery latency of one run, in milliseconds. */
export interface LatencyReport {
  subscribers: number;
  events: number;
  deliveries: number;
  /** Deliveries of an event a subscriber had already received (must be 0). */
  duplicates: number;
  p50: number;
  p99: number;
  max: number;
  /** Same split for subscribers on the server that committed and on the other one. */
  local: { p50: number; p99: number };
  remote: { p50: number; p99: number };
}

interface Target {
  url: string;
  wsUrl: string;
}

const QUERY = `subscription($bookId: ID) { couponEvents(bookId: $bookId) { id at coupon { code } } }`;
const ASSIGN = `mutation($code: String!, $userId: ID) { assignCoupon(code: $code, userId: $userId) { id } }`;

/**
 * Measures commit-to-subscriber latency: `subscribers` graphql-ws clients split evenly over
 * `local` (where the mutations run) and `remote`, then `events` assignments issued on `local`
 * `concurrency` at a time. Latency = arrival at the client − the event's `at` (the server clock
 * when the transition ran, so it includes the statement and commit). Both servers must use the
 * real clock, on this machine. Warm-up assignments run first until every subscriber has heard
 * one (the protocol has no "subscribed" acknowledgement); they are not counted.
 */
export async function measureDeliveryLatency(args: {
  local: Target;
  remote: Target;
  adminToken: string;
  userId: string;
  subscribers: number;
  events: number;
  /** Mutations in flight at once (a burst: as fast as the API takes them). */
  concurrency: number;
  /** Instead of a burst: start one mutation every `gapMs` (a steady rate). */
  gapMs?: number;
}): Promise<LatencyReport> {
  const warmups = 50;
  const { bookId, codes } = await createBookWithCodes(args.local, args.adminToken, args.events + warmups);
  const measured = new Set(codes.slice(warmups));
  const assign = (code: string) => mutate(args.local, args.adminToken, ASSIGN, { code, userId: args.userId });
  const clients: Array<{ client: Client; dispose(): Promise<void> }> = [];
  const subs: Array<{ local: boolean; sub: Recorded<{ data?: { couponEvents: Delivered } | null }> }> = [];
  try {
    for (let i = 0; i < args.subscribers; i++) {
      const local = i % 2 === 0;
      const c = connectClient(local ? args.local : args.remote, args.adminToken);
      clients.push(c);
      subs.push({ local, sub: record<{ couponEvents: Delivered }>(c.client, QUERY, { bookId }) });
    }
    for (let i = 0; i < warmups && !subs.every(({ sub }) => sub.values.length > 0); i++) {
      await assign(codes[i] as string);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    if (!subs.every(({ sub }) => sub.values.length > 0)) throw new Error('Not every subscriber received a warm-up event');
    let next = warmups;
    if (args.gapMs) {
      const pending: Array<Promise<unknown>> = [];
      for (; next < codes.length; next++) {
        pending.push(assign(codes[next] as string));
        await new Promise((resolve) => setTimeout(resolve, args.gapMs));
      }
      await Promise.all(pending);
    } else {
      await Promise.all(
        Array.from({ length: args.concurrency }, async () => {
          while (next < codes.length) await assign(codes[next++] as string);
        }),
      );
    }
    const count = (sub: (typeof subs)[number]['sub']) =>
      sub.values.filter((v) => measured.has(v.data?.couponEvents.coupon.code as string)).length;
    await waitFor(() => subs.every(({ sub }) => count(sub) >= args.events), 'every delivery', 60_000);
  } finally {
    await Promise.all(clients.map((c) => c.dispose()));
  }
  const latencies = (filter: (local: boolean) => boolean) =>
    subs
      .filter(({ local }) => filter(local))
      .flatMap(({ sub }) =>
        sub.values.flatMap((v, i) => {
          const event = v.data?.couponEvents;
          if (!event || !measured.has(event.coupon.code)) return [];
          return [performance.timeOrigin + (sub.arrivals[i] as number) - Date.parse(event.at)];
        }),
      )
      .sort((x, y) => x - y);
  const all = latencies(() => true);
  const local = latencies((l) => l);
  const remote = latencies((l) => !l);
  return {
    subscribers: args.subscribers,
    events: args.events,
    deliveries: all.length,
    duplicates: subs.reduce((n, { sub }) => n + sub.values.length - new Set(sub.values.map((v) => v.data?.couponEvents.id)).size, 0),
    p50: percentile(all, 0.5),
    p99: percentile(all, 0.99),
    max: Math.round(all.at(-1) ?? 0),
    local: { p50: percentile(local, 0.5), p99: percentile(local, 0.99) },
    remote: { p50: percentile(remote, 0.5), p99: percentile(remote, 0.99) },
  };
}

interface Delivered {
  id: string;
  at: string;
  coupon: { code: string };
}

function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number);
}
