import { describe, expect, it } from 'vitest';
import { contextFor, createBook, createTestClock, createUser, useServiceTest } from '../testing/index.ts';
import { assignCoupon } from '../src/coupons/index.ts';
import { ensureCustomer } from '../src/users/customer.service.ts';
import { eraseUser } from '../src/users/user-admin.service.ts';
import { fanOutWebhookEvents } from '../src/webhooks/webhook.fanout.ts';
import { getWebhookDelivery, listWebhookDeliveries } from '../src/webhooks/webhook.service.ts';

// eraseUser keeps "never the personal data" (api-guide). A webhook delivery stores its body (with
// `data.user.email` / `data.user.customerId`) once, at fan-out, and every attempt and redelivery
// sends those bytes: the erase takes the user out of them, the rest of the body unchanged. They
// kept the email and the customer id, readable by admins and still sent to the receiver.

const t = useServiceTest();
const admin = () => contextFor(t.db, t.admin);

async function endpoint(): Promise<string> {
  const { rows } = await t.db.pool.query<{ id: string }>(
    `INSERT INTO webhook_endpoint (id, url, events, secret, start_after_event_id)
     VALUES (gen_random_uuid(), 'https://hooks.example/coupons', '{ASSIGNED}', 'whsec_test', 0) RETURNING id::text AS id`,
  );
  return rows[0].id;
}

async function fanOutAll(): Promise<void> {
  for (let i = 0; i < 20; i++) {
    const r = await fanOutWebhookEvents({ db: t.db, clock: createTestClock() });
    if (r && !r.more) return;
  }
}

describe('eraseUser and the webhook deliveries about the user', () => {
  it("takes a person's email out of the stored bodies (read by admins, still to be sent)", async () => {
    const endpointId = await endpoint();
    const person = await createUser(t.db);
    const { codes } = await createBook(t.db, 1);
    await assignCoupon(admin(), { code: codes[0], userId: person.userId });
    await fanOutAll();
    const before = await listWebhookDeliveries(admin(), { endpointId });
    expect(before.items.length).toBe(1);
    expect(before.items[0].payload).toContain(person.email);

    await eraseUser(admin(), person.userId);
    expect(await t.db.prisma.user.findUnique({ where: { id: person.userId }, select: { email: true } })).toEqual({ email: null });

    const delivery = await getWebhookDelivery(admin(), before.items[0].id);
    // Still PENDING: the dispatcher's first attempt (and any retry or redelivery) sends these stored bytes.
    expect(delivery?.status).toBe('PENDING');
    expect(delivery?.payload, 'the erased person’s email is still in the delivery an admin reads and the receiver is sent').not.toContain(person.email);
    const body = JSON.parse(delivery?.payload ?? '{}');
    const before0 = JSON.parse(before.items[0].payload);
    expect(body.data.user).toEqual({ id: person.userId, email: null, customerId: null });
    expect({ ...body, data: { ...body.data, user: null } }).toEqual({ ...before0, data: { ...before0.data, user: null } });
  });

  it("takes a shop customer's id out of the stored bodies", async () => {
    const endpointId = await endpoint();
    const customerId = `shop-customer-${Date.now()}`;
    const id = await ensureCustomer(admin(), customerId);
    const { codes } = await createBook(t.db, 1);
    await assignCoupon(admin(), { code: codes[0], userId: id });
    await fanOutAll();
    await eraseUser(admin(), id);
    const { rows } = await t.db.pool.query<{ payload: string }>('SELECT payload FROM webhook_delivery WHERE endpoint_id = $1::uuid', [endpointId]);
    expect(rows.length).toBe(1);
    expect(rows[0].payload, 'the erased customer’s external id is still in the stored payload').not.toContain(customerId);
  });

  it('a fan-out meeting an erase in flight waits for it and writes the erased user (no email)', async () => {
    const endpointId = await endpoint();
    const person = await createUser(t.db);
    const { codes } = await createBook(t.db, 1);
    await assignCoupon(admin(), { code: codes[0], userId: person.userId });
    // An erase holding the user's row FOR UPDATE, its changes made but not yet committed.
    const erase = await t.db.pool.connect();
    try {
      await erase.query('BEGIN');
      await erase.query('SELECT id FROM app_user WHERE id = $1::uuid FOR UPDATE', [person.userId]);
      await erase.query("UPDATE app_user SET email = NULL, password_hash = NULL, role = 'USER', erased_at = now(), disabled_at = now() WHERE id = $1::uuid", [person.userId]);
      let fannedOut = false;
      const fanOut = fanOutAll().then(() => {
        fannedOut = true;
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(fannedOut, 'the fan-out read the user without waiting for the erase in flight').toBe(false);
      await erase.query('COMMIT');
      await fanOut;
    } finally {
      erase.release();
    }
    const { rows } = await t.db.pool.query<{ payload: string }>('SELECT payload FROM webhook_delivery WHERE endpoint_id = $1::uuid', [endpointId]);
    expect(rows.map((r) => JSON.parse(r.payload).data.user)).toEqual([{ id: person.userId, email: null, customerId: null }]);
  });
});
