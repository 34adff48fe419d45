import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { holdLock, lockWaiters } from '@coupons/db/testing';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createCampaign, OPS, type Outcome, pollUntil, type ReceivedWebhook, startWebhookReceiver, useApiTest, type WebhookReceiver } from '../../testing/index.ts';

// Changing or deleting a webhook endpoint while the sender fans out, claims and sends its
// deliveries (real API, real PostgreSQL, real HTTP receivers in this process). The rules:
//
// - an attempt claimed before an update is in flight: it may reach the old URL with the old
//   secret once; everything claimed after the update answered follows it (new URL, new secret,
//   nothing to a disabled or deleted endpoint);
// - at least once, never lost: an event committed while the endpoint is enabled is delivered (a
//   disabled one "sends what was pending" when enabled again); events of the time it is disabled
//   are not queued (docs/api-guide.md, "Delivery promises");
// - no duplicates beyond the at-least-once retry of an attempt whose answer was lost.
//
// Interleavings are forced with a separate connection holding a row lock in an open
// transaction: the endpoint's row (as a claim or an attempt's record holds it), so the update
// provably waits (pg_stat_activity: wait_event_type = 'Lock'); or the fan-out cursor row (as
// another instance's fan-out holds it), so the events committed meanwhile are fanned out only
// after the update answered.

const t = useApiTest({
  users: ['shopper'],
  accounts: 'inserted',
  // Short waits: 50 ms backoff, a round every 100 ms; attempts that never time out during a test.
  env: { WEBHOOK_RETRY_BASE_MS: '50', WEBHOOK_POLL_INTERVAL_MS: '100', WEBHOOK_TIMEOUT_MS: '8000', WEBHOOK_LEASE_MS: '20000', WEBHOOK_MAX_ATTEMPTS: '5' },
});

const ENDPOINT = 'id url events enabled disabledReason previousSecretExpiresAt';
const CREATE = `mutation ($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { endpoint { ${ENDPOINT} } secret } }`;
const UPDATE = `mutation ($id: ID!, $input: UpdateWebhookEndpointInput!) { updateWebhookEndpoint(id: $id, input: $input) { ${ENDPOINT} } }`;
const DELETE = 'mutation ($id: ID!) { deleteWebhookEndpoint(id: $id) }';
const ROTATE = 'mutation ($id: ID!) { rotateWebhookSecret(id: $id) { secret endpoint { id } } }';
const SEND_TEST = 'mutation ($id: ID!) { sendTestWebhook(id: $id) { id messageId } }';
const DELIVERIES = `query ($endpointId: ID!) { webhookDeliveries(endpointId: $endpointId, first: 100) {
  edges { node { id eventId messageId eventType status attempts inFlight } } } }`;

let receiver: WebhookReceiver;
beforeAll(async () => {
  receiver = await startWebhookReceiver();
});
afterAll(() => receiver?.close());

async function createEndpoint(input: Record<string, unknown>): Promise<{ id: string; secret: string }> {
  const created = await call(t.server, CREATE, { input }, t.admin.token);
  if (!created.ok) throw new Error(`${created.code} ${created.message}`);
  return { id: created.data.endpoint.id, secret: created.data.secret };
}

async function update(id: string, input: Record<string, unknown>) {
  const updated = await call(t.server, UPDATE, { id, input }, t.admin.token);
  if (!updated.ok) throw new Error(`updateWebhookEndpoint: ${updated.code} ${updated.message}`);
  return updated.data;
}

type Delivery = { id: string; eventId: string | null; messageId: string; eventType: string; status: string; attempts: number; inFlight: boolean };
async function deliveries(endpointId: string): Promise<Delivery[]> {
  const listed = await call(t.server, DELIVERIES, { endpointId }, t.admin.token);
  if (!listed.ok) throw new Error(`${listed.code} ${listed.message}`);
  return listed.data.edges.map((e: { node: Delivery }) => e.node);
}

/** Holds `sql` (a locking `SELECT` of one row) in an open transaction on its own connection until `end`. */
async function hold(sql: string, params: unknown[] = []) {
  const holder = await holdLock(t.server.db.pool, sql, params);
  if (holder.result.rowCount !== 1) throw new Error(`hold: locked ${holder.result.rowCount} rows`);
  return holder;
}

const holdEndpoint = (id: string) => hold('SELECT 1 FROM webhook_endpoint WHERE id = $1 FOR NO KEY UPDATE', [id]);
const holdFanOut = () => hold('SELECT 1 FROM webhook_fanout WHERE id = 1 FOR UPDATE');

/** Assigns `count` coupons of the book to the shopper; returns the ids of their ASSIGNED events. */
async function assign(bookId: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const claimed = await call(t.server, OPS.assignRandom, { bookId }, t.shopper.token);
    if (!claimed.ok) throw new Error(`assign: ${claimed.code}`);
    const { rows } = await t.server.db.pool.query<{ id: string }>(
      `SELECT max(id)::text AS id FROM coupon_event WHERE coupon_id = $1::bigint AND type = 'ASSIGNED'`,
      [claimed.data.id],
    );
    ids.push(rows[0].id);
  }
  return ids;
}

/** Waits until the fan-out has read past event `eventId` (after which its deliveries, if any, exist for good). */
async function fannedOutPast(eventId: string): Promise<void> {
  await pollUntil(
    async () => (await t.server.db.pool.query<{ mark: string }>('SELECT mark::text AS mark FROM webhook_fanout WHERE id = 1')).rows[0].mark,
    (mark) => BigInt(mark) >= BigInt(eventId),
    { what: `the fan-out to pass event ${eventId}`, timeoutMs: 5_000 },
  );
}

/** Waits until the endpoint has `n` deliveries in its log. */
const queued = (endpointId: string, n: number) =>
  pollUntil(() => deliveries(endpointId), (list) => list.length >= n, { what: `${n} deliveries queued`, timeoutMs: 5_000 });

/** A round of the sender after everything above has answered, and every send of it finished. */
async function senderRound(): Promise<void> {
  const dispatcher = t.server.server.webhooks;
  if (!dispatcher) throw new Error('no webhook dispatcher');
  await dispatcher.idle();
  dispatcher.wake();
  await dispatcher.idle();
}

const at = (path: string) => receiver.requests.filter((r) => r.path === `/hooks/${path}`);
const ids = (requests: ReceivedWebhook[]) => requests.map((r) => r.headers['webhook-id']).sort();
let paths = 0;
/** A path of the shared receiver no other test uses. */
const freshPath = (name: string) => `${name}-${++paths}`;

// When the claim's lock ends, the change waiting on the row usually takes it first; but a claim
// of the sender can take the row in between (SKIP LOCKED, it does not queue), and then its
// attempts were claimed before the change: they go out as the endpoint was (the serial order
// "claim, then change"), and only the deliveries it did not claim follow the change. The tests
// below accept exactly those two serial orders.
describe('updating or deleting an endpoint while a claim holds its row', () => {
  it('a new URL: every delivery due meanwhile goes once, to the new URL unless a claim took it before the update', async () => {
    const campaign = await createCampaign(t.server, t.admin, 3);
    const [before, after] = [freshPath('before'), freshPath('after')];
    const endpoint = await createEndpoint({ url: `${receiver.url}/${before}`, events: ['ASSIGNED'], bookId: campaign.bookId });
    const holder = await holdEndpoint(endpoint.id);
    let updating: Promise<unknown> | undefined;
    try {
      // The claim skips the held endpoint; fan-out still queues (its key-share lock does not conflict).
      const events = await assign(campaign.bookId, 3);
      await queued(endpoint.id, 3);
      updating = update(endpoint.id, { url: `${receiver.url}/${after}` });
      await lockWaiters(t.server.db.pool, 1, { like: '%webhook_endpoint%FOR NO KEY UPDATE%' });
      await holder.end('COMMIT');
      expect(await updating).toMatchObject({ url: `${receiver.url}/${after}` });
      await receiver.waitFor(() => at(before).length + at(after).length >= 3, 5_000);
      await senderRound();
      // Each event once in all, the old URL only for attempts claimed before the update.
      expect(ids([...at(before), ...at(after)])).toEqual(events.map((id) => `evt_${id}`).sort());
      for (const request of [...at(before), ...at(after)]) {
        expect(new Webhook(endpoint.secret).verify(request.body, request.headers)).toEqual(request.json);
      }
    } finally {
      await holder.end('ROLLBACK');
      await updating?.catch(() => {});
    }
  });

  it('disabled: nothing is sent while it is disabled but what a claim took before, and enabling sends each once', async () => {
    const campaign = await createCampaign(t.server, t.admin, 2);
    const path = freshPath('disabled');
    const endpoint = await createEndpoint({ url: `${receiver.url}/${path}`, events: ['ASSIGNED'], bookId: campaign.bookId });
    const holder = await holdEndpoint(endpoint.id);
    let disabling: Promise<unknown> | undefined;
    try {
      const events = await assign(campaign.bookId, 2);
      await queued(endpoint.id, 2);
      disabling = update(endpoint.id, { enabled: false });
      await lockWaiters(t.server.db.pool, 1, { like: '%webhook_endpoint%FOR NO KEY UPDATE%' });
      await holder.end('COMMIT');
      expect(await disabling).toMatchObject({ enabled: false, disabledReason: 'Disabled by an admin' });
      await senderRound();
      // Sent while disabled: only what a claim took before the update (then DELIVERED); the rest waits.
      const sentBefore = at(path).length;
      const statuses = (await deliveries(endpoint.id)).map((d) => [d.status, d.attempts]);
      expect(statuses.filter(([status]) => status === 'DELIVERED')).toHaveLength(sentBefore);
      expect(statuses.filter(([status]) => status !== 'DELIVERED')).toEqual(Array(2 - sentBefore).fill(['PENDING', 0]));
      await senderRound();
      expect(at(path)).toHaveLength(sentBefore);
      expect(await update(endpoint.id, { enabled: true })).toMatchObject({ enabled: true });
      await receiver.waitFor(() => at(path).length >= 2, 5_000);
      await senderRound();
      expect(ids(at(path))).toEqual(events.map((id) => `evt_${id}`).sort());
    } finally {
      await holder.end('ROLLBACK');
      await disabling?.catch(() => {});
    }
  });

  it('deleted: its queued deliveries go with it, and nothing is sent but what a claim took before the delete, once', async () => {
    const campaign = await createCampaign(t.server, t.admin, 2);
    const path = freshPath('deleted');
    const endpoint = await createEndpoint({ url: `${receiver.url}/${path}`, events: ['ASSIGNED'], bookId: campaign.bookId });
    const holder = await holdEndpoint(endpoint.id);
    let deleting: Promise<unknown> | undefined;
    try {
      const events = await assign(campaign.bookId, 2);
      await queued(endpoint.id, 2);
      deleting = call(t.server, DELETE, { id: endpoint.id }, t.admin.token);
      await lockWaiters(t.server.db.pool, 1, { like: '%DELETE FROM webhook_endpoint%' });
      await holder.end('COMMIT');
      expect(await deleting).toEqual({ ok: true, data: true });
      await senderRound();
      // Only attempts claimed before the delete went out, each once; none after it.
      const sent = ids(at(path));
      expect(new Set(sent).size).toBe(sent.length);
      expect(sent.every((id) => events.includes(id.replace(/^evt_/, '')))).toBe(true);
      await senderRound();
      expect(ids(at(path))).toEqual(sent);
      const { rows } = await t.server.db.pool.query('SELECT count(*)::int AS n FROM webhook_delivery WHERE endpoint_id = $1', [endpoint.id]);
      expect(rows[0].n).toBe(0);
    } finally {
      await holder.end('ROLLBACK');
      await deleting?.catch(() => {});
    }
  });

  it('two rotations at once, both waiting on its row: they chain, and the next delivery is signed by exactly their two secrets', async () => {
    const campaign = await createCampaign(t.server, t.admin, 1);
    const path = freshPath('rotated');
    const endpoint = await createEndpoint({ url: `${receiver.url}/${path}`, events: ['ASSIGNED'], bookId: campaign.bookId });
    const holder = await holdEndpoint(endpoint.id);
    let rotations: Outcome[];
    try {
      const both = Promise.all([call(t.server, ROTATE, { id: endpoint.id }, t.admin.token), call(t.server, ROTATE, { id: endpoint.id }, t.admin.token)]);
      await lockWaiters(t.server.db.pool, 2, { like: '%previous_secret%' });
      await holder.end('COMMIT');
      rotations = await both;
    } finally {
      await holder.end('ROLLBACK');
    }
    const secrets = rotations.map((r) => (r.ok ? (r.data.secret as string) : `refused: ${r.code}`));
    expect(new Set([...secrets, endpoint.secret]).size).toBe(3);
    const sent = await call(t.server, SEND_TEST, { id: endpoint.id }, t.admin.token);
    expect(sent.ok).toBe(true);
    await receiver.waitFor(() => at(path).length >= 1, 5_000);
    const [request] = at(path);
    // Serially: the later rotation keeps the earlier one's secret as the previous; the original is retired.
    expect(request.headers['webhook-signature'].split(' ')).toHaveLength(2);
    for (const secret of secrets) expect(() => new Webhook(secret).verify(request.body, request.headers), 'a rotated secret').not.toThrow();
    expect(() => new Webhook(endpoint.secret).verify(request.body, request.headers), 'the original secret').toThrow();
  });
});

describe('updating or deleting an endpoint while an attempt is in flight (its request held by the receiver)', () => {
  /** A receiver that holds every request until told how to answer it. */
  async function startHoldingReceiver() {
    const requests: Array<{ path: string; headers: ReceivedWebhook['headers']; body: string; answer: (status: number) => void }> = [];
    const waiters = new Set<() => void>();
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        requests.push({
          path: req.url ?? '',
          headers: req.headers as ReceivedWebhook['headers'],
          body: Buffer.concat(chunks).toString('utf8'),
          answer: (status) => res.writeHead(status).end(),
        });
        for (const wake of waiters) wake();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/held`,
      requests,
      /** Waits until `n` requests have arrived (not an elapsed time: the arrival itself). */
      arrived: (n: number) =>
        new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`holding receiver: ${requests.length} of ${n} requests`)), 5_000);
          const check = () => {
            if (requests.length < n) return;
            clearTimeout(timer);
            waiters.delete(check);
            resolve();
          };
          waiters.add(check);
          check();
        }),
      close: () => {
        server.closeAllConnections();
        return new Promise<void>((resolve) => server.close(() => resolve()));
      },
    };
  }

  it('a new URL and a new secret answered while the old URL holds an attempt: that attempt fails, its retry goes to the new URL with the new secret', async () => {
    const held = await startHoldingReceiver();
    try {
      const campaign = await createCampaign(t.server, t.admin, 1);
      const path = freshPath('moved');
      const endpoint = await createEndpoint({ url: held.url, events: ['ASSIGNED'], bookId: campaign.bookId });
      const [event] = await assign(campaign.bookId, 1);
      await held.arrived(1);
      await update(endpoint.id, { url: `${receiver.url}/${path}` });
      const rotated = await call(t.server, ROTATE, { id: endpoint.id }, t.admin.token);
      const fresh = rotated.ok ? (rotated.data.secret as string) : '';
      held.requests[0].answer(503);
      await receiver.waitFor(() => at(path).length >= 1, 5_000);
      const [delivery] = await pollUntil(() => deliveries(endpoint.id), (list) => list[0]?.status === 'DELIVERED', { timeoutMs: 5_000 });
      await senderRound();
      // One attempt at the old URL (in flight before the update), then the new URL only.
      expect(held.requests.map((r) => r.headers['webhook-id'])).toEqual([`evt_${event}`]);
      expect(ids(at(path))).toEqual([`evt_${event}`]);
      expect(() => new Webhook(endpoint.secret).verify(held.requests[0].body, held.requests[0].headers)).not.toThrow();
      const [retry] = at(path);
      expect(() => new Webhook(fresh).verify(retry.body, retry.headers)).not.toThrow();
      expect(delivery).toMatchObject({ attempts: 2, status: 'DELIVERED' });
    } finally {
      await held.close();
    }
  });

  it('a new URL answered while the old URL holds an attempt that then succeeds: delivered once, nothing to the new URL', async () => {
    const held = await startHoldingReceiver();
    try {
      const campaign = await createCampaign(t.server, t.admin, 1);
      const path = freshPath('moved-ok');
      const endpoint = await createEndpoint({ url: held.url, events: ['ASSIGNED'], bookId: campaign.bookId });
      await assign(campaign.bookId, 1);
      await held.arrived(1);
      await update(endpoint.id, { url: `${receiver.url}/${path}` });
      held.requests[0].answer(204);
      const [delivery] = await pollUntil(() => deliveries(endpoint.id), (list) => list[0]?.status === 'DELIVERED', { timeoutMs: 5_000 });
      await senderRound();
      expect(delivery).toMatchObject({ attempts: 1 });
      expect(held.requests).toHaveLength(1);
      expect(at(path)).toEqual([]);
    } finally {
      await held.close();
    }
  });

  it('deleted while an attempt is in flight: the attempt ends unrecorded and nothing is sent again', async () => {
    const held = await startHoldingReceiver();
    try {
      const campaign = await createCampaign(t.server, t.admin, 1);
      const endpoint = await createEndpoint({ url: held.url, events: ['ASSIGNED'], bookId: campaign.bookId });
      await assign(campaign.bookId, 1);
      await held.arrived(1);
      expect(await call(t.server, DELETE, { id: endpoint.id }, t.admin.token)).toEqual({ ok: true, data: true });
      held.requests[0].answer(503);
      await senderRound();
      await senderRound();
      expect(held.requests).toHaveLength(1);
      const { rows } = await t.server.db.pool.query('SELECT count(*)::int AS n FROM webhook_delivery WHERE endpoint_id = $1', [endpoint.id]);
      expect(rows[0].n).toBe(0);
    } finally {
      await held.close();
    }
  });

  it('disabled while an attempt is in flight that then fails: its retry waits for the endpoint to be enabled, then is sent once', async () => {
    const held = await startHoldingReceiver();
    try {
      const campaign = await createCampaign(t.server, t.admin, 1);
      const endpoint = await createEndpoint({ url: held.url, events: ['ASSIGNED'], bookId: campaign.bookId });
      const [event] = await assign(campaign.bookId, 1);
      await held.arrived(1);
      await update(endpoint.id, { enabled: false });
      held.requests[0].answer(503);
      await pollUntil(() => deliveries(endpoint.id), (list) => list[0]?.inFlight === false, { timeoutMs: 5_000 });
      await senderRound();
      expect(held.requests).toHaveLength(1);
      expect((await deliveries(endpoint.id)).map((d) => [d.status, d.attempts])).toEqual([['PENDING', 1]]);
      await update(endpoint.id, { enabled: true });
      await held.arrived(2);
      held.requests[1].answer(204);
      await pollUntil(() => deliveries(endpoint.id), (list) => list[0]?.status === 'DELIVERED', { timeoutMs: 5_000 });
      await senderRound();
      expect(held.requests.map((r) => r.headers['webhook-id'])).toEqual([`evt_${event}`, `evt_${event}`]);
    } finally {
      await held.close();
    }
  });
});

describe('updating an endpoint while the events before it are not fanned out yet (another instance holds the fan-out)', () => {
  it('a new event filter: the events committed after the update answered follow it', async () => {
    const campaign = await createCampaign(t.server, t.admin, 1);
    const path = freshPath('filter');
    const endpoint = await createEndpoint({ url: `${receiver.url}/${path}`, events: ['ASSIGNED'], bookId: campaign.bookId });
    const holder = await holdFanOut();
    let lockedEvent: string;
    try {
      await update(endpoint.id, { events: ['LOCKED'] });
      const [assigned] = await assign(campaign.bookId, 1);
      const code = campaign.codes[0];
      const locked = await call(t.server, OPS.lock, { code }, t.shopper.token);
      expect(locked.ok).toBe(true);
      const { rows } = await t.server.db.pool.query<{ id: string }>(
        `SELECT max(id)::text AS id FROM coupon_event WHERE book_id = $1 AND type = 'LOCKED'`,
        [campaign.bookId],
      );
      lockedEvent = rows[0].id;
      expect(BigInt(lockedEvent)).toBeGreaterThan(BigInt(assigned));
    } finally {
      await holder.end('ROLLBACK');
    }
    await fannedOutPast(lockedEvent);
    expect((await deliveries(endpoint.id)).map((d) => [d.eventType, d.eventId])).toEqual([['LOCKED', lockedEvent]]);
  });

  it('a filter changed after an event committed: the event is judged by the filter it committed under; the kept filter is forgotten once passed', async () => {
    const campaign = await createCampaign(t.server, t.admin, 1);
    const path = freshPath('old-filter');
    const endpoint = await createEndpoint({ url: `${receiver.url}/${path}`, events: ['ASSIGNED'], bookId: campaign.bookId });
    const holder = await holdFanOut();
    let assigned: string;
    let lockedEvent: string;
    try {
      // Committed while the endpoint subscribes to ASSIGNED: it is owed this event.
      [assigned] = await assign(campaign.bookId, 1);
      await update(endpoint.id, { events: ['LOCKED'] });
      expect((await call(t.server, OPS.lock, { code: campaign.codes[0] }, t.shopper.token)).ok).toBe(true);
      const { rows } = await t.server.db.pool.query<{ id: string }>(
        `SELECT max(id)::text AS id FROM coupon_event WHERE book_id = $1 AND type = 'LOCKED'`,
        [campaign.bookId],
      );
      lockedEvent = rows[0].id;
    } finally {
      await holder.end('ROLLBACK');
    }
    await fannedOutPast(lockedEvent);
    const queuedEvents = (await deliveries(endpoint.id)).map((d) => [d.eventType, d.eventId]);
    expect(queuedEvents.sort((a, b) => Number(BigInt(a[1] as string) - BigInt(b[1] as string)))).toEqual([
      ['ASSIGNED', assigned],
      ['LOCKED', lockedEvent],
    ]);
    const { rows: kept } = await t.server.db.pool.query('SELECT 1 FROM webhook_endpoint_past WHERE endpoint_id = $1', [endpoint.id]);
    expect(kept).toEqual([]);
  });

  it('disabled after an event committed while it was enabled: the event is not lost, enabling it sends the event', async () => {
    const campaign = await createCampaign(t.server, t.admin, 1);
    const path = freshPath('pending');
    const endpoint = await createEndpoint({ url: `${receiver.url}/${path}`, events: ['ASSIGNED'], bookId: campaign.bookId });
    const holder = await holdFanOut();
    let event: string;
    try {
      // Committed while the endpoint is enabled: it is owed this event.
      [event] = await assign(campaign.bookId, 1);
      await update(endpoint.id, { enabled: false });
    } finally {
      await holder.end('ROLLBACK');
    }
    await fannedOutPast(event);
    await update(endpoint.id, { enabled: true });
    // The fan-out has read past the event: what it queued for it is all there will ever be.
    expect(
      (await deliveries(endpoint.id)).map((d) => [d.eventType, d.eventId]),
      'deliveries of an event committed while the endpoint was enabled',
    ).toEqual([['ASSIGNED', event]]);
    await receiver.waitFor(() => at(path).length >= 1, 5_000);
    expect(ids(at(path))).toEqual([`evt_${event}`]);
  });

  it('enabled again after an event committed while it was disabled: that event is not queued', async () => {
    const campaign = await createCampaign(t.server, t.admin, 1);
    const path = freshPath('while-disabled');
    const endpoint = await createEndpoint({ url: `${receiver.url}/${path}`, events: ['ASSIGNED'], bookId: campaign.bookId });
    await update(endpoint.id, { enabled: false });
    const holder = await holdFanOut();
    let event: string;
    try {
      // Committed while the endpoint is disabled: "events of the time it is disabled are not queued".
      [event] = await assign(campaign.bookId, 1);
      await update(endpoint.id, { enabled: true });
    } finally {
      await holder.end('ROLLBACK');
    }
    await fannedOutPast(event);
    await senderRound();
    expect(
      (await deliveries(endpoint.id)).map((d) => [d.eventType, d.eventId]),
      'deliveries of an event committed while the endpoint was disabled',
    ).toEqual([]);
    expect(at(path)).toEqual([]);
  });
});

describe('an endpoint filtered to a book that deleteBook is taking (the delete paused at its audit entry, its DELETE made)', () => {
  const DELETE_BOOK = 'mutation ($id: ID!) { deleteBook(id: $id) }';

  it.each(['createWebhookEndpoint', 'updateWebhookEndpoint'])('%s waits for the delete, then answers NOT_FOUND for the book (not a foreign key failure); no endpoint points at it', async (mutation) => {
    const { bookId } = await createCampaign(t.server, t.admin, 2);
    const url = `${receiver.url}/${freshPath('filtered')}`;
    const existing = mutation === 'updateWebhookEndpoint' ? await createEndpoint({ url, events: ['ASSIGNED'] }) : null;
    const auditLog = await holdLock(t.server.db.pool, 'LOCK TABLE audit_log IN SHARE MODE');
    try {
      const deleted = call(t.server, DELETE_BOOK, { id: bookId }, t.admin.token);
      await lockWaiters(t.server.db.pool, 1, { like: '%INSERT INTO%audit_log%' });
      const written = existing
        ? call(t.server, UPDATE, { id: existing.id, input: { bookId } }, t.admin.token)
        : call(t.server, CREATE, { input: { url, events: ['ASSIGNED'], bookId } }, t.admin.token);
      // At its read of the book (or, were the foreign key to decide, at the endpoint's write).
      await lockWaiters(t.server.db.pool, 1, { like: ['%FROM book WHERE id = %FOR KEY SHARE%', '%INSERT INTO webhook_endpoint%', '%UPDATE webhook_endpoint%'] });
      await auditLog.end('COMMIT');
      // Serially: the delete, then the endpoint's write, which finds no book.
      expect(await deleted).toMatchObject({ ok: true, data: true });
      expect(await written).toMatchObject({ ok: false, code: 'NOT_FOUND', message: expect.stringContaining(bookId) });
    } finally {
      await auditLog.end('ROLLBACK');
    }
    const { rows } = await t.server.db.pool.query('SELECT count(*)::int AS n FROM webhook_endpoint WHERE url = $1 AND book_id IS NOT NULL', [url]);
    expect(rows[0].n).toBe(0);
  });
});
