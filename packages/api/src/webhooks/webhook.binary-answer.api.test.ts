import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createCampaign, OPS, startWebhookReceiver, useApiTest, type WebhookReceiver } from '../../testing/index.ts';

// A receiver whose answer body holds a NUL byte (a gzip'd or otherwise binary body, a C string
// written whole). The attempt's record writes `response_body` as TEXT, which PostgreSQL refuses
// (22021): the record threw, the lease ran out, and the delivery was sent again, and again: never
// DELIVERED, attempts growing past WEBHOOK_MAX_ATTEMPTS, the receiver getting the same event over
// and over.

const LEASE_MS = 2_500;
const t = useApiTest({
  users: ['shopper'],
  accounts: 'inserted',
  env: { WEBHOOK_TIMEOUT_MS: '500', WEBHOOK_LEASE_MS: String(LEASE_MS), WEBHOOK_POLL_INTERVAL_MS: '100', WEBHOOK_RETRY_BASE_MS: '50', WEBHOOK_MAX_ATTEMPTS: '2' },
});

let receiver: WebhookReceiver;
beforeAll(async () => {
  receiver = await startWebhookReceiver(() => ({ status: 200, body: 'ok\u0000', headers: { 'content-type': 'application/octet-stream' } }));
});
afterAll(() => receiver?.close());

describe('a 2xx answer whose body contains a NUL byte', () => {
  it('is recorded DELIVERED once and not sent again', async () => {
    const campaign = await createCampaign(t.server, t.admin, 1);
    const created = await call(
      t.server,
      'mutation ($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { endpoint { id } } }',
      { input: { url: receiver.url, events: ['ASSIGNED'], bookId: campaign.bookId } },
      t.admin.token,
    );
    if (!created.ok) throw new Error(created.message);
    const endpointId = created.data.endpoint.id;
    const claimed = await call(t.server, OPS.assignRandom, { bookId: campaign.bookId }, t.shopper.token);
    expect(claimed.ok).toBe(true);
    await receiver.waitFor((all) => all.length >= 1);
    // Wait two leases: a delivery recorded after the first attempt is never sent again.
    await new Promise((resolve) => setTimeout(resolve, 2 * LEASE_MS + 1_500));
    const listed = await call(
      t.server,
      'query ($id: ID!) { webhookDeliveries(endpointId: $id) { edges { node { status attempts responseStatus } } } }',
      { id: endpointId },
      t.admin.token,
    );
    expect(listed.ok).toBe(true);
    expect({ sent: receiver.requests.length, delivery: listed.ok ? listed.data.edges[0].node : null }).toEqual({
      sent: 1,
      delivery: { status: 'DELIVERED', attempts: 1, responseStatus: 200 },
    });
  }, 30_000);
});
