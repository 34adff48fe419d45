import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import os from 'node:os';
import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { ASSIGN_MUTATION } from './assign-load.ts';
import { treeCpuMs } from './cpu.ts';
import { quantile, round } from './stats.ts';

/** What a live dashboard asks for on every coupon transition of a book. */
const WATCH = 'subscription Watch($bookId: ID!) { couponEvents(bookId: $bookId) { id type at coupon { code state } } }';

export interface FanoutPlan {
  /** Where the subscribers connect (ws://…/graphql); with several, subscriber i uses the (i mod n)th. */
  subscribeUrl: string | string[];
  /** Where the mutations that cause the events go (http://…/graphql). */
  mutateUrl: string;
  /** One `Bearer …` per subscriber: admins, who see every event of the book. */
  subscriberTokens: string[];
  /** The user who claims coupons (one claim = one ASSIGNED event). */
  claimerToken: string;
  bookId: string;
  events: number;
  /** Start-to-start spacing of the claims. */
  gapMs: number;
  /** Claims at that pace before measuring, once every subscriber has heard one. */
  warmupEvents: number;
  /**
   * Processes whose CPU the measured stretch is charged to: the API processes (subscribers' and
   * claimer's) and PostgreSQL. Reported per delivered event (API) and per event (PostgreSQL).
   */
  cpu?: { apiPids: number[]; postgresPid: number };
  /** How long every subscriber may take to connect and subscribe (default 60 s). */
  connectTimeoutMs?: number;
  /** Connect this many subscribers at a time, each batch once the previous one is connected (default: all at once). */
  connectBatch?: number;
}

export interface FanoutResult {
  subscribers: number;
  events: number;
  gapMs: number;
  /** Deliveries expected (subscribers × events) and received (each counted once). */
  expected: number;
  delivered: number;
  duplicates: number;
  /** Received minus the event's `at` (the server clock when the claim began: commit is later, so this over-states). */
  afterAt: { p50Ms: number; p99Ms: number; maxMs: number };
  /** Received minus the moment the mutation's answer reached the benchmark (after commit; can be negative). */
  afterResponse: { p50Ms: number; p99Ms: number; maxMs: number };
  /**
   * p50 after `at` of the first and the last tenth of the events: equal when the server keeps
   * up; the last much higher when deliveries queue up (the rate exceeds what it can fan out).
   */
  trend: { firstTenthP50Ms: number; lastTenthP50Ms: number };
  connectMs: number;
  /**
   * CPU over the measured stretch (first measured claim → last delivery): of the API processes
   * per delivered event (it includes the claims themselves, one HTTP call per event), of
   * PostgreSQL per event, of this load generator (the subscribers' clients) per delivery; and the
   * machine's 1-minute load average before and after.
   */
  cpu: { apiMsPerDelivery: number; postgresMsPerEvent: number; loadGeneratorMsPerDelivery: number; loadAverage: { start: number; end: number } };
  subscriptionErrors: string[];
}

/** Wall-clock ms with sub-ms resolution, comparable with the server's Date (same machine clock). */
const wallNow = () => performance.timeOrigin + performance.now();

/**
 * 1 subscriber = 1 graphql-ws client (its own socket) on `couponEvents(bookId)`. Once every
 * subscriber provably receives events (warm-up claims until all have heard one), `events`
 * claims are made one at a time, `gapMs` apart, and each delivery is timed against the event's
 * `at` and against the claim's answer. Every subscriber must receive every event exactly once.
 */
export async function measureFanout(plan: FanoutPlan): Promise<FanoutResult> {
  const subscriberCount = plan.subscriberTokens.length;
  const warmupCodes = new Set<string>();
  const answeredAt = new Map<string, number>(); // measured code → when its claim was answered
  const seen = plan.subscriberTokens.map(() => new Set<string>());
  const deliveries: Array<{ code: string; received: number; afterAt: number }> = [];
  const claimOrder: string[] = [];
  const heardAny = new Set<number>();
  const subscriptionErrors: string[] = [];
  let measuring = false;
  let duplicates = 0;
  let connected = 0;

  const connectStarted = performance.now();
  const urls = Array.isArray(plan.subscribeUrl) ? plan.subscribeUrl : [plan.subscribeUrl];
  const clients: Client[] = [];
  const connect = (authorization: string, index: number): Client => {
    const client = createClient({
      url: urls[index % urls.length],
      webSocketImpl: WebSocket,
      connectionParams: { authorization },
      lazy: false,
      retryAttempts: 0,
      on: { connected: () => connected++ },
    });
    client.subscribe<{ couponEvents: { id: string; at: string; coupon: { code: string } | null } }>(
      { query: WATCH, variables: { bookId: plan.bookId } },
      {
        next: (message) => {
          const received = wallNow();
          const event = message.data?.couponEvents;
          if (!event) return;
          heardAny.add(index);
          const code = event.coupon?.code;
          // An event may beat its claim's answer, so anything after warm-up counts unless it is a
          // warm-up claim's late delivery.
          if (!measuring || !code || warmupCodes.has(code)) return;
          if (seen[index].has(event.id)) {
            duplicates++;
            return;
          }
          seen[index].add(event.id);
          deliveries.push({ code, received, afterAt: received - Date.parse(event.at) });
        },
        error: (error) => subscriptionErrors.push(errorText(error)),
        complete: () => {},
      },
    );
    return client;
  };

  try {
    const batch = plan.connectBatch ?? subscriberCount;
    const connectDeadline = Date.now() + (plan.connectTimeoutMs ?? 60_000);
    for (let from = 0; from < subscriberCount; from += batch) {
      for (const [offset, token] of plan.subscriberTokens.slice(from, from + batch).entries()) clients.push(connect(token, from + offset));
      await waitFor(() => connected === clients.length || subscriptionErrors.length > 0, connectDeadline - Date.now(), () => `${connected}/${subscriberCount} subscribers connected`);
      if (subscriptionErrors.length > 0) break;
    }
    if (subscriptionErrors.length > 0) throw new Error(`subscribing failed: ${subscriptionErrors[0]}`);
    const connectMs = round(performance.now() - connectStarted);

    // Warm-up: claims until every subscriber has heard one, so no subscription is still starting.
    for (let i = 0; i < 50 && heardAny.size < subscriberCount; i++) {
      warmupCodes.add(await claim(plan));
      await sleep(200);
    }
    if (heardAny.size < subscriberCount) throw new Error(`only ${heardAny.size}/${subscriberCount} subscribers received warm-up events`);
    // Then a stretch at the measured pace, so the fan-out path is compiled and warm.
    for (let i = 0; i < plan.warmupEvents; i++) {
      warmupCodes.add(await claim(plan));
      await sleep(plan.gapMs);
    }
    await sleep(500);

    const apiCpu = () => (plan.cpu ? plan.cpu.apiPids.reduce((sum, pid) => sum + treeCpuMs(pid), 0) : Number.NaN);
    const pgCpu = () => (plan.cpu ? treeCpuMs(plan.cpu.postgresPid) : Number.NaN);
    const cpuBefore = { api: apiCpu(), pg: pgCpu(), self: process.cpuUsage(), load: os.loadavg()[0] };
    measuring = true;
    const started = performance.now();
    for (let e = 0; e < plan.events; e++) {
      const wait = started + e * plan.gapMs - performance.now();
      if (wait > 0) await sleep(wait);
      const code = await claim(plan);
      answeredAt.set(code, wallNow());
      claimOrder.push(code);
    }
    const expected = subscriberCount * plan.events;
    // Missing deliveries are reported, not waited for forever.
    await waitFor(() => deliveries.length >= expected, 30_000, () => '').catch(() => {});
    const self = process.cpuUsage(cpuBefore.self);
    const perDelivery = (ms: number) => Math.round((ms / Math.max(1, deliveries.length)) * 10_000) / 10_000;
    const cpu = {
      apiMsPerDelivery: perDelivery(apiCpu() - cpuBefore.api),
      postgresMsPerEvent: Math.round(((pgCpu() - cpuBefore.pg) / plan.events) * 100) / 100,
      loadGeneratorMsPerDelivery: perDelivery((self.user + self.system) / 1000),
      loadAverage: { start: Math.round(cpuBefore.load * 10) / 10, end: Math.round(os.loadavg()[0] * 10) / 10 },
    };
    const byAt = deliveries.map((d) => d.afterAt).sort((a, b) => a - b);
    const byAnswer = deliveries
      .filter((d) => answeredAt.has(d.code))
      .map((d) => d.received - (answeredAt.get(d.code) as number))
      .sort((a, b) => a - b);
    const tenth = Math.max(1, Math.floor(claimOrder.length / 10));
    const p50Of = (codes: string[]) => {
      const wanted = new Set(codes);
      const values = deliveries.filter((d) => wanted.has(d.code)).map((d) => d.afterAt).sort((a, b) => a - b);
      return round(quantile(values, 0.5));
    };
    return {
      subscribers: subscriberCount,
      events: plan.events,
      gapMs: plan.gapMs,
      expected,
      delivered: deliveries.length,
      duplicates,
      afterAt: percentiles(byAt),
      afterResponse: percentiles(byAnswer),
      trend: { firstTenthP50Ms: p50Of(claimOrder.slice(0, tenth)), lastTenthP50Ms: p50Of(claimOrder.slice(-tenth)) },
      connectMs,
      cpu,
      subscriptionErrors: subscriptionErrors.slice(0, 5),
    };
  } finally {
    await Promise.allSettled(clients.map((client) => client.dispose()));
  }
}

function percentiles(sorted: number[]) {
  return { p50Ms: round(quantile(sorted, 0.5)), p99Ms: round(quantile(sorted, 0.99)), maxMs: round(sorted[sorted.length - 1] ?? Number.NaN) };
}

/** One assignRandomCoupon by the claimer; returns the claimed code. */
async function claim(plan: FanoutPlan): Promise<string> {
  const response = await fetch(plan.mutateUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: plan.claimerToken },
    body: JSON.stringify({ query: ASSIGN_MUTATION, variables: { bookId: plan.bookId } }),
  });
  const body = (await response.json()) as { data?: { assignRandomCoupon: { code: string } }; errors?: unknown };
  if (!body.data?.assignRandomCoupon) throw new Error(`claim failed: ${JSON.stringify(body.errors)}`);
  return body.data.assignRandomCoupon.code;
}

async function waitFor(done: () => boolean, timeoutMs: number, progress: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting: ${progress()}`);
    await sleep(20);
  }
}

function errorText(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (Array.isArray(error)) return error.map((e) => (e as { message?: string }).message ?? String(e)).join('; ');
  if (error && typeof error === 'object' && 'code' in error) return `socket closed ${(error as { code: number }).code} ${(error as { reason?: string }).reason ?? ''}`;
  return String(error);
}
