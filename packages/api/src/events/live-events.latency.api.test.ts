import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  measureDeliveryLatency,
  signUp,
  startSiblingServer,
  startTestServer,
  type TestClock,
  type TestServer,
} from '../../testing/index.ts';

/** Latency needs the real clock (`at` is compared with arrival time). */
const realClock: TestClock = { now: () => new Date(), set() {}, advance() {} };

let a: TestServer;
let b: TestServer;

beforeAll(async () => {
  a = await startTestServer({ clock: realClock });
  b = await startSiblingServer(a, { listenerName: 'listener-latency-b', clock: realClock });
});
afterAll(async () => {
  await b?.close();
  await a?.close();
});

describe('delivery latency', () => {
  it('delivers 200 events to 100 subscribers on two servers quickly', { timeout: 120_000 }, async () => {
    const [admin, shopper] = await Promise.all([signUp(a, 'ADMIN'), signUp(a)]);
    const report = await measureDeliveryLatency({
      local: a,
      remote: b,
      adminToken: admin.token,
      userId: shopper.user.id,
      subscribers: 100,
      events: 200,
      concurrency: 8,
    });
    console.info(`live-event delivery latency (one process, two servers): ${JSON.stringify(report)}`);
    expect(report.deliveries).toBe(20_000);
    expect(report.duplicates).toBe(0);
    // Clients and both servers share one event loop here (and CI machines are busy): the bound
    // only catches a stall; bench/ measures separate processes.
    expect(report.p99).toBeLessThan(5_000);
  });
});
