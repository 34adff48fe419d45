import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '@coupons/config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClock, useServiceTest } from '../../testing/index.ts';
import { WebhookDispatcher } from './webhook.dispatcher.ts';
import { type WebhookSettings, webhookSettingsFrom } from './webhook.settings.ts';

// How the sender schedules deliveries, with real HTTP receivers in this process and deliveries
// inserted directly (the fan-out is not under test): endpoints take turns for the process's
// slots (a backlog on some does not hold the others back until it has drained), the per-endpoint
// limit holds across processes, and an attempt whose process died counts towards
// WEBHOOK_MAX_ATTEMPTS without one attempt more being sent.
const t = useServiceTest({ poolSize: 8 });

interface Receiver {
  url: string;
  /** The paths received, in order, with the time. */
  received: Array<{ path: string; at: number }>;
  /** The most requests it held unanswered at once. */
  peakConcurrency: { value: number };
  close(): Promise<void>;
}

/** A receiver that answers each request as `answer(path)` says, after its delay. */
async function startReceiver(answer: (path: string) => { status: number; delayMs: number }): Promise<Receiver> {
  const received: Receiver['received'] = [];
  const peakConcurrency = { value: 0 };
  let open = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received.push({ path: req.url ?? '', at: Date.now() });
      peakConcurrency.value = Math.max(peakConcurrency.value, ++open);
      const { status, delayMs } = answer(req.url ?? '');
      setTimeout(() => {
        open--;
        res.writeHead(status).end();
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    peakConcurrency,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

function settingsWith(env: Record<string, string>): WebhookSettings {
  return webhookSettingsFrom(loadConfig({ NODE_ENV: 'test', DATABASE_URL: 'postgres://unused', ...env }));
}

/** An endpoint with this id and URL, and `count` deliveries due now. */
async function endpointWithBacklog(id: string, url: string, count: number): Promise<void> {
  await t.db.pool.query(
    `INSERT INTO webhook_endpoint (id, url, events, secret, start_after_event_id) VALUES ($1::uuid, $2, '{ASSIGNED}', 'whsec_dGVzdA==', 0)`,
    [id, url],
  );
  await t.db.pool.query(
    `INSERT INTO webhook_delivery (endpoint_id, message_id, event_type, payload, next_attempt_at)
     SELECT $1::uuid, 'msg_' || $1 || '_' || n, 'WEBHOOK_TEST', '{}', now() - interval '1 minute' FROM generate_series(1, $2::int) n`,
    [id, count],
  );
}

const uuid = (prefix: string, n: number) => `${prefix}${n.toString(16).padStart(12, '0')}`;

let receiver: Receiver;
beforeAll(async () => {
  // Busy endpoints answer after 100 ms (/busy…) or 20 ms (/busy-many…); /down answers 503; the others 204 at once.
  receiver = await startReceiver((path) => ({
    status: path === '/down' ? 503 : 204,
    delayMs: path.startsWith('/busy-many') ? 20 : path.startsWith('/busy') ? 100 : 0,
  }));
});
afterAll(() => receiver?.close());

/** Starts a dispatcher with short waits (64 attempts in flight, 4 per endpoint: the defaults). */
function startDispatcher(env: Record<string, string> = {}): WebhookDispatcher {
  const dispatcher = new WebhookDispatcher({
    ctx: { db: t.db, clock: createTestClock() },
    settings: settingsWith({ WEBHOOK_POLL_INTERVAL_MS: '100', WEBHOOK_TIMEOUT_MS: '2000', WEBHOOK_LEASE_MS: '5000', ...env }),
  });
  dispatcher.start();
  return dispatcher;
}

/** How many requests came before the first to `path` (all to busy endpoints), once it came. */
async function busyBefore(path: string): Promise<number> {
  await expect.poll(() => receiver.received.some((r) => r.path === path), { timeout: 20_000, interval: 20 }).toBe(true);
  return receiver.received.findIndex((r) => r.path === path);
}

describe('the sender’s slots, shared between endpoints (round robin)', () => {
  it('a backlog on more endpoints than the process has slots for does not hold another endpoint’s delivery back until it drains', async () => {
    // 20 endpoints with 100 deliveries each (4 at a time, 100 ms each), sorted before the quiet
    // endpoint; the process sends 64 at once. The lowest ids used to take every slot of every
    // round: the quiet endpoint's one delivery went out after all 2,000 of theirs.
    const prefix = '00000000-0000-4000-8000-';
    for (let n = 0; n < 20; n++) await endpointWithBacklog(uuid(prefix, n), `${receiver.url}/busy${n}`, 100);
    await endpointWithBacklog(uuid('00000000-0000-4000-9000-', 0), `${receiver.url}/quiet`, 1);
    receiver.received.length = 0;
    const dispatcher = startDispatcher();
    try {
      // Its turn comes after each busy endpoint has had one (4 each), plus what is in flight.
      expect(await busyBefore('/quiet')).toBeLessThanOrEqual(20 * 4 + 64);
    } finally {
      await dispatcher.stop();
      await t.db.pool.query(`DELETE FROM webhook_endpoint`);
    }
  });

  it('more endpoints with due work than a claim locks (200): the last one by id gets its turn in the first pass', async () => {
    const prefix = '00000000-0000-4000-a000-';
    for (let n = 0; n < 259; n++) await endpointWithBacklog(uuid(prefix, n), `${receiver.url}/busy-many${n}`, 8);
    await endpointWithBacklog(uuid('00000000-0000-4000-b000-', 0), `${receiver.url}/last`, 1);
    receiver.received.length = 0;
    const dispatcher = startDispatcher();
    try {
      expect(await busyBefore('/last')).toBeLessThanOrEqual(259 * 4 + 64); // of 2,072
    } finally {
      await dispatcher.stop();
      await t.db.pool.query(`DELETE FROM webhook_endpoint`);
    }
  });
});

describe('attempts of a process that died mid-send (its lease ran out)', () => {
  it('count like a timeout: at WEBHOOK_MAX_ATTEMPTS the delivery is FAILED, never sent a time more', async () => {
    // WEBHOOK_MAX_ATTEMPTS=4; the receiver answers 503 to every request. One delivery's process
    // died during its 4th attempt, another's during its 2nd (the claim had counted each). The first
    // used to be sent a 5th time (attempts 5).
    const { rows: [endpoint] } = await t.db.pool.query<{ id: string }>(
      `INSERT INTO webhook_endpoint (id, url, events, secret, start_after_event_id)
       VALUES (gen_random_uuid(), $1, '{ASSIGNED}', 'whsec_dGVzdA==', 0) RETURNING id::text AS id`,
      [`${receiver.url}/down`],
    );
    const lapsed = async (name: string, attempts: number) => {
      const { rows } = await t.db.pool.query<{ id: string }>(
        `INSERT INTO webhook_delivery (endpoint_id, message_id, event_type, payload, attempts, last_attempt_at, next_attempt_at, lease_token, lease_expires_at)
         VALUES ($1::uuid, $2, 'WEBHOOK_TEST', '{}', $3::int, now() - interval '1 minute', now() - interval '1 minute', gen_random_uuid(), now() - interval '1 second')
         RETURNING id::text AS id`,
        [endpoint.id, name, attempts],
      );
      return rows[0].id;
    };
    const last = await lapsed('msg_died_on_last', 4);
    const second = await lapsed('msg_died_on_second', 2);
    receiver.received.length = 0;
    const dispatcher = startDispatcher({ WEBHOOK_MAX_ATTEMPTS: '4', WEBHOOK_RETRY_BASE_MS: '20' });
    const state = async (id: string) =>
      (await t.db.pool.query('SELECT status::text AS status, attempts, lease_token IS NULL AS released, last_error FROM webhook_delivery WHERE id = $1::bigint', [id]))
        .rows[0];
    try {
      await expect.poll(async () => (await state(second)).status, { timeout: 10_000, interval: 50 }).toBe('FAILED');
      await expect.poll(async () => (await state(last)).status, { timeout: 5_000, interval: 50 }).toBe('FAILED');
      await dispatcher.stop();
      expect(await state(last)).toMatchObject({ attempts: 4, released: true, last_error: expect.stringMatching(/^TIMEOUT: /) });
      expect(await state(second)).toMatchObject({ attempts: 4, released: true });
      // Two requests for the one that died on its 2nd attempt (its 3rd and 4th), none for the other.
      expect(receiver.received.filter((r) => r.path === '/down')).toHaveLength(2);
    } finally {
      await dispatcher.stop();
      await t.db.pool.query(`DELETE FROM webhook_endpoint`);
    }
  });
});

describe('WEBHOOK_CONCURRENCY_PER_ENDPOINT', () => {
  it('holds across two processes sending for one endpoint', async () => {
    const slow = await startReceiver(() => ({ status: 204, delayMs: 150 }));
    await endpointWithBacklog(uuid('00000000-0000-4000-c000-', 0), `${slow.url}/one`, 16);
    const dispatchers = [startDispatcher({ WEBHOOK_CONCURRENCY_PER_ENDPOINT: '3' }), startDispatcher({ WEBHOOK_CONCURRENCY_PER_ENDPOINT: '3' })];
    try {
      await expect.poll(() => slow.received.length, { timeout: 10_000, interval: 20 }).toBe(16);
      expect(slow.peakConcurrency.value).toBe(3);
    } finally {
      await Promise.all(dispatchers.map((d) => d.stop()));
      await slow.close();
      await t.db.pool.query(`DELETE FROM webhook_endpoint`);
    }
  });
});
