import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { contextFor, useServiceTest } from '../../testing/index.ts';
import { recordAttempt } from './webhook-delivery.sql.ts';
import { redeliverWebhook } from './webhook.service.ts';

// redeliverWebhook ("send it again now") racing a sender whose lease has run out while it was
// stalled: the redelivery takes the lease back, so the stalled sender's late record of its attempt
// (a retry in 10 minutes) cannot overwrite "now".
const t = useServiceTest();

async function deliveryWithLapsedLease(): Promise<{ id: string; endpointId: string; leaseToken: string }> {
  const leaseToken = randomUUID();
  const { rows: endpoints } = await t.db.pool.query<{ id: string }>(
    `INSERT INTO webhook_endpoint (id, url, events, secret, start_after_event_id)
     VALUES (gen_random_uuid(), 'https://hooks.example/coupons', '{ASSIGNED}', 'whsec_test', 0) RETURNING id::text AS id`,
  );
  const { rows } = await t.db.pool.query<{ id: string }>(
    `INSERT INTO webhook_delivery (endpoint_id, message_id, event_type, payload, status, attempts, lease_token, lease_expires_at, next_attempt_at)
     VALUES ($1::uuid, $2, 'ASSIGNED', '{}', 'PENDING', 1, $3::uuid, now() - interval '1 minute', now() - interval '2 minutes')
     RETURNING id::text AS id`,
    [endpoints[0].id, `msg_${leaseToken}`, leaseToken],
  );
  return { id: rows[0].id, endpointId: endpoints[0].id, leaseToken };
}

describe('redeliverWebhook', () => {
  it('takes back a lapsed lease: the stalled sender’s late record does not push the redelivery back', async () => {
    const delivery = await deliveryWithLapsedLease();
    const redelivered = await redeliverWebhook(contextFor(t.db, t.admin), delivery.id);
    expect(redelivered).toMatchObject({ status: 'PENDING' });
    const late = await recordAttempt(
      { db: t.db },
      delivery,
      { outcome: 'RETRY', retryInMs: 600_000, responseStatus: 503, responseBody: null, latencyMs: 30_000, error: null },
      60_000,
    );
    expect(late).toEqual({ recorded: false, disabled: false });
    const { rows } = await t.db.pool.query(
      `SELECT status::text, next_attempt_at <= now() AS due, lease_token FROM webhook_delivery WHERE id = $1::bigint`,
      [delivery.id],
    );
    expect(rows[0]).toEqual({ status: 'PENDING', due: true, lease_token: null });
  });
});
