import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createCampaign, OPS, pollUntil, type ReceivedWebhook, startWebhookReceiver, useApiTest, type WebhookReceiver } from '../../testing/index.ts';

// Webhooks over the real API and a real receiver in this process: sending, signing (checked by
// the independent `standardwebhooks` library), retries, redirects, timeouts, rotation, the
// delivery log, redelivery and the endpoint that is disabled after failing for days.

const t = useApiTest({
  users: ['shopper'],
  accounts: 'inserted',
  // Short waits instead of minutes: 50 ms backoff, a round every 100 ms, a 1 s timeout.
  env: { WEBHOOK_RETRY_BASE_MS: '50', WEBHOOK_POLL_INTERVAL_MS: '100', WEBHOOK_TIMEOUT_MS: '1000', WEBHOOK_LEASE_MS: '5000', WEBHOOK_MAX_ATTEMPTS: '4' },
});

const ENDPOINT = 'id url events bookId enabled createdAt disabledReason failingSince previousSecretExpiresAt description';
const DELIVERY = 'id endpointId eventId messageId eventType status inFlight attempts nextAttemptAt responseStatus responseBody latencyMs lastError deliveredAt payload';
const CREATE = `mutation ($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { endpoint { ${ENDPOINT} } secret } }`;
const DELIVERIES = `query ($endpointId: ID!, $status: WebhookDeliveryStatus, $first: Int, $after: String) {
  webhookDeliveries(endpointId: $endpointId, status: $status, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { ${DELIVERY} } } } }`;

let receiver: WebhookReceiver;
beforeAll(async () => {
  receiver = await startWebhookReceiver();
});
afterAll(() => receiver?.close());

async function createEndpoint(input: Record<string, unknown>): Promise<{ id: string; secret: string }> {
  const created = await call(t.server, CREATE, { input: { url: receiver.url, events: ['ASSIGNED', 'LOCKED', 'REDEEMED', 'REVERSED'], ...input } }, t.admin.token);
  if (!created.ok) throw new Error(`${created.code} ${created.message}`);
  return { id: created.data.endpoint.id, secret: created.data.secret };
}

async function deliveries(endpointId: string, status?: string): Promise<Array<Record<string, any>>> {
  const listed = await call(t.server, DELIVERIES, { endpointId, status, first: 100 }, t.admin.token);
  if (!listed.ok) throw new Error(`${listed.code} ${listed.message}`);
  return listed.data.edges.map((e: { node: unknown }) => e.node);
}

/** The requests of one endpoint's messages (the receiver is shared by the file's endpoints). */
const forBook = (bookId: string) => (r: ReceivedWebhook) => (r.json.data.book as { id?: string } | null)?.id === bookId;

describe('webhooks', () => {
  it('delivers a coupon flow, each event signed so that the standardwebhooks library verifies it', async () => {
    const campaign = await createCampaign(t.server, t.admin, 2);
    const { id, secret } = await createEndpoint({ bookId: campaign.bookId, description: 'order service' });
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const claimed = await call(t.server, OPS.assignRandom, { bookId: campaign.bookId }, t.shopper.token);
    const code = claimed.ok ? claimed.data.code : '';
    await call(t.server, OPS.lock, { code }, t.shopper.token);
    const redeemed = await call(t.server, OPS.redeem, { code }, t.shopper.token);
    expect(redeemed.ok).toBe(true);

    const got = (await receiver.waitFor((all) => all.filter(forBook(campaign.bookId)).length >= 3)).filter(forBook(campaign.bookId));
    expect(got.map((r) => r.json.type)).toEqual(['ASSIGNED', 'LOCKED', 'REDEEMED']);
    const verifier = new Webhook(secret);
    for (const request of got) {
      expect(verifier.verify(request.body, request.headers)).toEqual(request.json);
      expect(request.headers['webhook-id']).toBe(request.json.id);
      expect(request.json.id).toMatch(/^evt_\d+$/);
      expect(Math.abs(Number(request.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(30);
      expect(request.headers['content-type']).toBe('application/json');
    }
    const redemption = got[2].json;
    expect(redemption.data).toMatchObject({
      coupon: { code, state: 'REDEEMED', bookId: campaign.bookId, redemptionCount: 1 },
      book: { id: campaign.bookId, discountType: 'PERCENTAGE' },
      user: { id: t.shopper.id, email: t.shopper.email },
      redemption: { id: redeemed.ok ? redeemed.data.id : '' },
      transition: { fromState: 'LOCKED', toState: 'REDEEMED', actorId: t.shopper.id },
    });
    // A tampered body, or a signature for another id, does not verify.
    expect(() => verifier.verify(`${got[0].body} `, got[0].headers)).toThrow();

    const log = await pollUntil(() => deliveries(id), (list) => list.length === 3 && list.every((d) => d.status === 'DELIVERED'));
    expect(log.map((d) => d.eventType)).toEqual(['REDEEMED', 'LOCKED', 'ASSIGNED']); // newest first
    expect(log[0]).toMatchObject({ attempts: 1, responseStatus: 204, inFlight: false, nextAttemptAt: null, messageId: got[2].json.id });
    expect(log[0].payload).toBe(got[2].body);
  });

  it('sends only the subscribed event types of the subscribed book, and nothing of before the endpoint existed', async () => {
    const campaign = await createCampaign(t.server, t.admin, 2);
    const earlier = await call(t.server, OPS.assignRandom, { bookId: campaign.bookId }, t.shopper.token);
    const { id } = await createEndpoint({ bookId: campaign.bookId, events: ['LOCKED'] });
    const other = await createCampaign(t.server, t.admin, 1);
    const elsewhere = await call(t.server, OPS.assignRandom, { bookId: other.bookId }, t.shopper.token);
    await call(t.server, OPS.lock, { code: elsewhere.ok ? elsewhere.data.code : '' }, t.shopper.token);
    await call(t.server, OPS.lock, { code: earlier.ok ? earlier.data.code : '' }, t.shopper.token);
    await receiver.waitFor((all) => all.some((r) => forBook(campaign.bookId)(r) && r.json.type === 'LOCKED'));
    await t.server.server.webhooks?.idle();
    const log = await deliveries(id);
    expect(log.map((d) => d.eventType)).toEqual(['LOCKED']);
  });

  it('retries 500, 500, then delivers on 200: three attempts, the same id and body each time', async () => {
    const campaign = await createCampaign(t.server, t.admin, 1);
    const { id } = await createEndpoint({ bookId: campaign.bookId, events: ['ASSIGNED'] });
    let seen = 0;
    receiver.answer((request) => {
      if (!forBook(campaign.bookId)(request)) return { status: 204 };
      seen++;
      return seen <= 2 ? { status: 500, body: 'database down' } : { status: 200, body: 'ok' };
    });
    try {
      await call(t.server, OPS.assignRandom, { bookId: campaign.bookId }, t.shopper.token);
      const [delivered] = await pollUntil(() => deliveries(id), (list) => list[0]?.status === 'DELIVERED');
      const got = receiver.requests.filter(forBook(campaign.bookId));
      expect(got).toHaveLength(3);
      expect(new Set(got.map((r) => r.headers['webhook-id'])).size).toBe(1);
      expect(new Set(got.map((r) => r.body)).size).toBe(1);
      expect(delivered).toMatchObject({ attempts: 3, responseStatus: 200, responseBody: 'ok', status: 'DELIVERED' });
    } finally {
      receiver.answer(() => ({ status: 204 }));
    }
  });

  it('honours Retry-After on 429, fails at once on a 4xx, follows no redirect, times out a silent receiver', async () => {
    const campaign = await createCampaign(t.server, t.admin, 1);
    const answers = new Map<string, () => ReturnType<Parameters<WebhookReceiver['answer']>[0]>>();
    const [limited, gone, moved, silent] = await Promise.all(
      ['limited', 'gone', 'moved', 'silent'].map((name) => createEndpoint({ bookId: campaign.bookId, events: ['ASSIGNED'], url: `${receiver.url}/${name}` })),
    );
    let limitedTimes = 0;
    answers.set('/hooks/limited', () => (++limitedTimes === 1 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 204 }));
    answers.set('/hooks/gone', () => ({ status: 410, body: 'x'.repeat(5_000) }));
    answers.set('/hooks/moved', () => ({ status: 302, headers: { location: `${receiver.url}/elsewhere` } }));
    answers.set('/hooks/silent', () => 'hold');
    receiver.answer((request) => answers.get(request.path)?.() ?? { status: 204 });
    try {
      const started = Date.now();
      await call(t.server, OPS.assignRandom, { bookId: campaign.bookId }, t.shopper.token);
      const [limitedLog] = await pollUntil(() => deliveries(limited.id), (list) => list[0]?.status === 'DELIVERED');
      expect(limitedLog.attempts).toBe(2);
      const times = receiver.requests.filter((r) => r.path === '/hooks/limited').map((r) => r.receivedAt);
      expect(times[1] - times[0]).toBeGreaterThanOrEqual(950); // Retry-After: 1, not the 50 ms backoff
      expect(Date.now() - started).toBeLessThan(8_000);

      const [goneLog] = await pollUntil(() => deliveries(gone.id), (list) => list[0]?.status === 'FAILED');
      expect(goneLog).toMatchObject({ attempts: 1, responseStatus: 410, nextAttemptAt: null });
      expect(goneLog.responseBody).toHaveLength(1024);

      const [movedLog] = await pollUntil(() => deliveries(moved.id), (list) => list[0]?.status === 'FAILED');
      expect(movedLog).toMatchObject({ attempts: 1, responseStatus: 302 });
      expect(receiver.requests.some((r) => r.path === '/hooks/elsewhere')).toBe(false);

      // WEBHOOK_TIMEOUT_MS=1000 and 4 attempts: TIMEOUT each time, then FAILED.
      const [silentLog] = await pollUntil(() => deliveries(silent.id), (list) => list[0]?.status === 'FAILED', { timeoutMs: 15_000 });
      expect(silentLog).toMatchObject({ attempts: 4, responseStatus: null });
      expect(silentLog.lastError).toMatch(/^TIMEOUT/);
      expect(silentLog.latencyMs).toBeGreaterThanOrEqual(1000);
    } finally {
      receiver.answer(() => ({ status: 204 }));
    }
  });

  it('redelivers a failed delivery with the same id, and sends a test event on request', async () => {
    const campaign = await createCampaign(t.server, t.admin, 1);
    const { id, secret } = await createEndpoint({ bookId: campaign.bookId, events: ['ASSIGNED'], url: `${receiver.url}/flaky` });
    receiver.answer((request) => (request.path === '/hooks/flaky' && !flakyFixed ? { status: 400 } : { status: 204 }));
    let flakyFixed = false;
    try {
      await call(t.server, OPS.assignRandom, { bookId: campaign.bookId }, t.shopper.token);
      const [failed] = await pollUntil(() => deliveries(id, 'FAILED'), (list) => list.length === 1);
      flakyFixed = true;
      const redelivered = await call(t.server, `mutation ($id: ID!) { redeliverWebhook(deliveryId: $id) { ${DELIVERY} } }`, { id: failed.id }, t.admin.token);
      expect(redelivered.ok && redelivered.data.status).toBe('PENDING');
      const [done] = await pollUntil(() => deliveries(id), (list) => list[0]?.status === 'DELIVERED');
      expect(done).toMatchObject({ attempts: 2, id: failed.id });
      const sent = receiver.requests.filter((r) => r.path === '/hooks/flaky');
      expect(sent.map((r) => r.headers['webhook-id'])).toEqual([failed.messageId, failed.messageId]);

      const test = await call(t.server, `mutation ($id: ID!) { sendTestWebhook(id: $id) { ${DELIVERY} } }`, { id }, t.admin.token);
      expect(test.ok && test.data).toMatchObject({ eventType: 'WEBHOOK_TEST', eventId: null, status: 'PENDING' });
      await receiver.waitFor((all) => all.some((r) => r.json.type === 'WEBHOOK_TEST' && r.path === '/hooks/flaky'));
      const testRequest = receiver.requests.find((r) => r.json.type === 'WEBHOOK_TEST' && r.path === '/hooks/flaky') as ReceivedWebhook;
      expect(new Webhook(secret).verify(testRequest.body, testRequest.headers)).toMatchObject({ type: 'WEBHOOK_TEST', data: { endpointId: id } });
      // The receiver has answered; the sender records that a moment later.
      const delivered = await pollUntil(() => deliveries(id, 'DELIVERED'), (list) => list.length === 2);
      expect(delivered.map((d) => d.eventType).sort()).toEqual(['ASSIGNED', 'WEBHOOK_TEST']);
    } finally {
      receiver.answer(() => ({ status: 204 }));
    }
  });

  it('rotates the secret: for 24 hours both the old and the new secret verify, and the rotation is audited', async () => {
    const campaign = await createCampaign(t.server, t.admin, 1);
    const { id, secret: old } = await createEndpoint({ bookId: campaign.bookId, events: ['ASSIGNED'] });
    const rotated = await call(t.server, `mutation ($id: ID!) { rotateWebhookSecret(id: $id) { secret endpoint { previousSecretExpiresAt } } }`, { id }, t.admin.token);
    if (!rotated.ok) throw new Error(rotated.message);
    const fresh: string = rotated.data.secret;
    expect(fresh).not.toBe(old);
    const overlapHours = (Date.parse(rotated.data.endpoint.previousSecretExpiresAt) - Date.now()) / 3_600_000;
    expect(overlapHours).toBeGreaterThan(23.9);
    expect(overlapHours).toBeLessThanOrEqual(24);
    await call(t.server, OPS.assignRandom, { bookId: campaign.bookId }, t.shopper.token);
    const [request] = (await receiver.waitFor((all) => all.some(forBook(campaign.bookId)))).filter(forBook(campaign.bookId));
    expect(() => new Webhook(fresh).verify(request.body, request.headers)).not.toThrow();
    expect(() => new Webhook(old).verify(request.body, request.headers)).not.toThrow();
    // Once the overlap is over, only the new secret signs.
    await t.server.db.pool.query(`UPDATE webhook_endpoint SET previous_secret_expires_at = now() - interval '1 second' WHERE id = $1`, [id]);
    await call(t.server, `mutation ($id: ID!) { sendTestWebhook(id: $id) { id } }`, { id }, t.admin.token);
    const test = await receiver.waitFor((all) => all.some((r) => r.json.type === 'WEBHOOK_TEST' && (r.json.data as { endpointId: string }).endpointId === id));
    const last = test.filter((r) => r.json.type === 'WEBHOOK_TEST' && (r.json.data as { endpointId: string }).endpointId === id)[0];
    expect(last.headers['webhook-signature'].split(' ')).toHaveLength(1);
    expect(() => new Webhook(old).verify(last.body, last.headers)).toThrow();

    const audit = await call(t.server, `query ($id: String!) { auditLog(filter: { targetType: WEBHOOK, targetId: $id }) { edges { node { action } } } }`, { id }, t.admin.token);
    expect(audit.ok && audit.data.edges.map((e: { node: { action: string } }) => e.node.action)).toEqual(['WEBHOOK_TEST_SENT', 'WEBHOOK_SECRET_ROTATED', 'WEBHOOK_ENDPOINT_CREATED']);
  });

  it('disables an endpoint that has failed for days, with the reason; enabling it resumes its deliveries', async () => {
    const campaign = await createCampaign(t.server, t.admin, 2);
    const { id } = await createEndpoint({ bookId: campaign.bookId, events: ['ASSIGNED'], url: `${receiver.url}/down` });
    let down = true;
    receiver.answer((request) => (request.path === '/hooks/down' && down ? { status: 503 } : { status: 204 }));
    try {
      // It has been failing for four days (WEBHOOK_DISABLE_AFTER_HOURS is 72).
      await t.server.db.pool.query(`UPDATE webhook_endpoint SET failing_since = now() - interval '4 days' WHERE id = $1`, [id]);
      await call(t.server, OPS.assignRandom, { bookId: campaign.bookId }, t.shopper.token);
      const get = `query ($id: ID!) { webhookEndpoint(id: $id) { ${ENDPOINT} } }`;
      const disabled = await pollUntil(() => call(t.server, get, { id }, t.admin.token), (r) => r.ok && r.data.enabled === false);
      expect(disabled.ok && disabled.data.disabledReason).toMatch(/^Disabled automatically: every delivery attempt since .* failed \(last: HTTP 503\)/);
      const [pending] = await deliveries(id);
      expect(pending).toMatchObject({ status: 'PENDING', attempts: 1 });
      const refused = await call(t.server, `mutation ($id: ID!) { sendTestWebhook(id: $id) { id } }`, { id }, t.admin.token);
      expect(refused).toMatchObject({ ok: false, code: 'INVALID_STATE' });

      down = false;
      const enabled = await call(t.server, `mutation ($id: ID!) { updateWebhookEndpoint(id: $id, input: { enabled: true }) { ${ENDPOINT} } }`, { id }, t.admin.token);
      expect(enabled.ok && enabled.data).toMatchObject({ enabled: true, disabledReason: null, failingSince: null });
      await pollUntil(() => deliveries(id), (list) => list[0]?.status === 'DELIVERED');
    } finally {
      receiver.answer(() => ({ status: 204 }));
    }
  });

  it('refuses bad input with contract codes, and is for admins and ADMIN keys only', async () => {
    const bad = (input: Record<string, unknown>) => call(t.server, CREATE, { input: { url: receiver.url, events: ['ASSIGNED'], ...input } }, t.admin.token);
    expect(await bad({ url: 'not a url' })).toMatchObject({ ok: false, code: 'BAD_USER_INPUT' });
    expect(await bad({ url: 'https://user:pw@example.com/' })).toMatchObject({ ok: false, code: 'BAD_USER_INPUT' });
    expect(await bad({ events: [] })).toMatchObject({ ok: false, code: 'BAD_USER_INPUT' });
    expect(await bad({ bookId: '00000000-0000-4000-8000-000000000000' })).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    expect(await bad({ description: 'x'.repeat(501) })).toMatchObject({ ok: false, code: 'BAD_USER_INPUT' });
    expect(await call(t.server, CREATE, { input: { url: receiver.url, events: ['ASSIGNED'] } }, t.shopper.token)).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(await call(t.server, DELIVERIES, { endpointId: 'nope' }, t.admin.token)).toMatchObject({ ok: false, code: 'BAD_USER_INPUT' });
    expect(await call(t.server, 'mutation { redeliverWebhook(deliveryId: "999999999") { id } }', {}, t.admin.token)).toMatchObject({ ok: false, code: 'NOT_FOUND' });
  });
});

