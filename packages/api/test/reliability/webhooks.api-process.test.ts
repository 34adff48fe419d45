import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiProcess,
  type ApiUser,
  call,
  createCampaign,
  createPool,
  createUsers,
  OPS,
  startWebhookReceiver,
  useApiProcesses,
  type WebhookReceiver,
} from '../../testing/index.ts';

// Webhooks with the API as it runs in production (main.ts in child processes) on one database:
// two processes share the sending and deliver every event exactly once (no delivery sent by
// both), and a process SIGKILLed while a receiver holds its request open loses nothing: once its
// lease runs out, the next process sends the delivery again. The first test also measures the
// delay from commit to receipt and the deliveries per second of a burst.

const LEASE_MS = 3_000;

const t = useApiProcesses({
  MUTATION_RATE_LIMIT: '1000000',
  WEBHOOK_TIMEOUT_MS: '1000',
  WEBHOOK_LEASE_MS: String(LEASE_MS),
  WEBHOOK_RETRY_BASE_MS: '100',
  WEBHOOK_POLL_INTERVAL_MS: '250',
  WEBHOOK_CONCURRENCY_PER_ENDPOINT: '16',
});
let admin: ApiUser;
let shopper: ApiUser;

beforeAll(async () => {
  [[admin], [shopper]] = await Promise.all([createUsers(t.users, 1, 'ADMIN'), createUsers(t.users, 1)]);
});

const start = (name: string) => t.start({ name });

async function createEndpoint(api: ApiProcess, url: string, bookId: string, events: string[]): Promise<{ id: string; secret: string }> {
  const created = await call(
    api,
    'mutation ($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { endpoint { id } secret } }',
    { input: { url, events, bookId } },
    admin.token,
  );
  if (!created.ok) throw new Error(`${created.code}: ${created.message}`);
  return { id: created.data.endpoint.id, secret: created.data.secret };
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];

describe('webhooks across API processes', () => {
  let receiver: WebhookReceiver;
  afterAll(() => receiver?.close());

  it('two processes deliver each event exactly once; commit-to-receipt delay and a burst rate are measured', async () => {
    receiver = await startWebhookReceiver();
    const [a, b] = await Promise.all([start('api-a'), start('api-b')]);
    const CLAIMS = 200;
    const BURST = 2_000;
    const campaign = await createCampaign({ url: a.url }, admin, CLAIMS + BURST);
    const { secret } = await createEndpoint(a, receiver.url, campaign.bookId, ['ASSIGNED']);

    // One claim at a time, alternating between the processes: the delay of each from its commit
    // (the mutation's answer) to its arrival, with the sender and the committer often different.
    const committedAt = new Map<string, number>();
    for (let i = 0; i < CLAIMS; i++) {
      const claimed = await call<{ code: string }>(i % 2 ? b : a, OPS.assignRandom, { bookId: campaign.bookId }, shopper.token);
      if (!claimed.ok) throw new Error(claimed.message);
      committedAt.set(claimed.data.code, Date.now());
      await receiver.waitFor((all) => all.length >= i + 1);
    }
    const delays = receiver.requests
      .map((r) => r.receivedAt - (committedAt.get((r.json.data.coupon as { code: string }).code) ?? Number.NaN))
      .sort((x, y) => x - y);

    // A burst: one distribution commits BURST events at once; both processes send them.
    const poolId = await createPool({ url: a.url }, admin, [shopper]);
    const burstStart = Date.now();
    const distributed = await call(a, OPS.distribute, { poolId, bookId: campaign.bookId, mode: 'RANDOM', count: BURST }, admin.token);
    expect(distributed.ok && distributed.data.assigned).toBe(BURST);
    await receiver.waitFor((all) => all.length >= CLAIMS + BURST, 60_000);
    const burstMs = Date.now() - burstStart;
    await new Promise((resolve) => setTimeout(resolve, LEASE_MS + 500)); // a double send would show by now

    const ids = receiver.requests.map((r) => r.headers['webhook-id']);
    expect(ids).toHaveLength(CLAIMS + BURST);
    expect(new Set(ids).size).toBe(CLAIMS + BURST);
    const verifier = new Webhook(secret);
    for (const request of receiver.requests) verifier.verify(request.body, request.headers);
    const [rows] = await t.database.db.prisma.$queryRaw<Array<{ delivered: number; attempts: number }>>`
      SELECT count(*) FILTER (WHERE status = 'DELIVERED')::int AS delivered, sum(attempts)::int AS attempts FROM webhook_delivery`;
    expect(rows).toEqual({ delivered: CLAIMS + BURST, attempts: CLAIMS + BURST });
    console.info(
      `[webhooks] commit→receipt over ${CLAIMS} single claims (2 API processes): p50 ${percentile(delays, 50)} ms, p95 ${percentile(delays, 95)} ms, max ${delays.at(-1)} ms; ` +
        `burst of ${BURST} events (one distribution): all delivered ${burstMs} ms after the request, ${Math.round((BURST * 1000) / burstMs)} deliveries/s`,
    );
  }, 120_000);

  it('a process SIGKILLed mid-delivery loses nothing: after its lease the next process sends it again', async () => {
    await receiver?.close();
    receiver = await startWebhookReceiver((_request, index) => (index === 0 ? 'hold' : { status: 204 }));
    for (const api of t.processes.splice(0)) await api.kill('SIGKILL');
    const first = await start('api-1');
    const campaign = await createCampaign({ url: first.url }, admin, 1);
    const { id } = await createEndpoint(first, receiver.url, campaign.bookId, ['ASSIGNED']);
    const claimed = await call<{ code: string }>(first, OPS.assignRandom, { bookId: campaign.bookId }, shopper.token);
    expect(claimed.ok).toBe(true);
    // The receiver holds the first request open: the sender is mid-delivery when it dies.
    const [held] = await receiver.waitFor((all) => all.length === 1);
    await first.kill('SIGKILL');
    const killedAt = Date.now();
    const [inFlight] = await t.database.db.prisma.$queryRaw<Array<{ status: string; attempts: number; leased: boolean }>>`
      SELECT status::text AS status, attempts, lease_expires_at > now() AS leased FROM webhook_delivery WHERE endpoint_id = ${id}::uuid`;
    expect(inFlight).toEqual({ status: 'PENDING', attempts: 1, leased: true });

    const second = await start('api-2');
    const [, again] = await receiver.waitFor((all) => all.length === 2, LEASE_MS + 10_000);
    expect(again.headers['webhook-id']).toBe(held.headers['webhook-id']);
    expect(again.body).toBe(held.body);
    expect(Date.now() - killedAt).toBeGreaterThanOrEqual(LEASE_MS - 1_000); // not before the lease ran out
    await expect
      .poll(async () => {
        const listed = await call(second, 'query ($id: ID!) { webhookDeliveries(endpointId: $id) { edges { node { status attempts responseStatus } } } }', { id }, admin.token);
        return listed.ok ? listed.data.edges[0].node : null;
      }, { timeout: 5_000 })
      .toEqual({ status: 'DELIVERED', attempts: 2, responseStatus: 204 });
  }, 60_000);
});
