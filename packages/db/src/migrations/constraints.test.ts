// The hand-written constraints (prisma/migrations/*_constraints): each CHECK must reject the
// row it exists to reject. Statements are raw SQL on purpose — the database is the last line
// of defence, so it is tested without any service code in front of it.
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../testing/index.ts';

const USER = '11111111-1111-4111-8111-111111111111';
const OTHER_USER = '22222222-2222-4222-8222-222222222222';
const BOOK = '33333333-3333-4333-8333-333333333333';
const POOL = '44444444-4444-4444-8444-444444444444';
const REDEMPTION = '55555555-5555-4555-8555-555555555555';
const ENDPOINT = '66666666-6666-4666-8666-666666666666';

const t = useTestDatabase({ poolSize: 2 });
const sql = (text: string, values: unknown[] = []) => t.db.pool.query(text, values);

beforeAll(async () => {
  await sql(`INSERT INTO app_user (id, email, password_hash) VALUES ($1, 'user@example.com', 'x'), ($2, 'other@example.com', 'x')`, [USER, OTHER_USER]);
  await sql(`INSERT INTO book (id, name, discount_type, discount_value) VALUES ($1, 'Book', 'PERCENTAGE', 10)`, [BOOK]);
  await sql(`INSERT INTO coupon (id, book_id, code) VALUES (1, $1, 'FREE1')`, [BOOK]);
  await sql(`INSERT INTO coupon (id, book_id, code, state, assigned_user_id) VALUES (2, $1, 'MINE2', 'ASSIGNED', $2)`, [BOOK, USER]);
  await sql(`INSERT INTO user_book_counter (user_id, book_id, assigned_count, max_assignments, max_redemptions) VALUES ($1, $2, 1, 5, 3)`, [USER, BOOK]);
  await sql(`INSERT INTO pool (id, name) VALUES ($1, 'Pool')`, [POOL]);
  await sql(`INSERT INTO redemption (id, coupon_id, book_id, user_id, idempotency_key) VALUES ($1, 2, $2, $3, 'key-1')`, [REDEMPTION, BOOK, USER]);
  await sql(`INSERT INTO webhook_endpoint (id, url, events, secret, start_after_event_id) VALUES ($1, 'https://hooks.example.com/', '{ASSIGNED}', 'whsec_x', 0)`, [ENDPOINT]);
  await sql(`INSERT INTO webhook_delivery (id, endpoint_id, message_id, event_type, payload, next_attempt_at) VALUES (1, $1, 'msg_1', 'ASSIGNED', '{}', now())`, [ENDPOINT]);
});

/** One violating statement per CHECK constraint (some constraints get several). */
const violations: Array<{ constraint: string; case: string; text: string; values?: unknown[] }> = [
  { constraint: 'app_user_email_lower_check', case: 'mixed-case email', text: `INSERT INTO app_user (id, email, password_hash) VALUES (gen_random_uuid(), 'Mixed@Example.com', 'x')` },
  { constraint: 'coupon_code_upper_check', case: 'lower-case code', text: `INSERT INTO coupon (book_id, code) VALUES ($1, 'abc')`, values: [BOOK] },
  { constraint: 'coupon_code_upper_check', case: 'empty code', text: `INSERT INTO coupon (book_id, code) VALUES ($1, '')`, values: [BOOK] },
  { constraint: 'coupon_redemption_count_check', case: 'negative redemption count', text: `UPDATE coupon SET redemption_count = -1 WHERE id = 2` },
  { constraint: 'coupon_assignment_check', case: 'ASSIGNED without a user', text: `UPDATE coupon SET state = 'ASSIGNED' WHERE id = 1` },
  { constraint: 'coupon_assignment_check', case: 'UNASSIGNED with a user', text: `UPDATE coupon SET assigned_user_id = $1 WHERE id = 1`, values: [USER] },
  { constraint: 'coupon_lock_check', case: 'LOCKED by someone else', text: `UPDATE coupon SET state = 'LOCKED', locked_by_id = $1, lock_expires_at = now() WHERE id = 2`, values: [OTHER_USER] },
  { constraint: 'coupon_lock_check', case: 'LOCKED without expiry', text: `UPDATE coupon SET state = 'LOCKED', locked_by_id = assigned_user_id WHERE id = 2` },
  { constraint: 'coupon_lock_check', case: 'LOCKED without lock owner', text: `UPDATE coupon SET state = 'LOCKED', lock_expires_at = now() WHERE id = 2` },
  { constraint: 'coupon_unlocked_check', case: 'ASSIGNED with a lock expiry', text: `UPDATE coupon SET lock_expires_at = now() WHERE id = 2` },
  { constraint: 'coupon_unlocked_check', case: 'ASSIGNED with a lock owner', text: `UPDATE coupon SET locked_by_id = assigned_user_id WHERE id = 2` },
  { constraint: 'user_book_counter_counts_check', case: 'negative assigned count', text: `UPDATE user_book_counter SET assigned_count = -1` },
  { constraint: 'user_book_counter_counts_check', case: 'negative redeemed count', text: `UPDATE user_book_counter SET redeemed_count = -1` },
  { constraint: 'user_book_counter_max_assignments_check', case: 'assigned above the limit', text: `UPDATE user_book_counter SET assigned_count = 6` },
  { constraint: 'user_book_counter_max_redemptions_check', case: 'redeemed above the limit', text: `UPDATE user_book_counter SET redeemed_count = 4` },
  { constraint: 'book_lock_ttl_check', case: 'lock TTL 0', text: `UPDATE book SET lock_ttl_seconds = 0` },
  { constraint: 'book_lock_ttl_check', case: 'lock TTL above a day', text: `UPDATE book SET lock_ttl_seconds = 86401` },
  { constraint: 'book_discount_value_check', case: 'negative discount', text: `UPDATE book SET discount_type = 'FIXED_AMOUNT', discount_value = -1, currency = 'EUR'` },
  { constraint: 'book_percentage_check', case: 'more than 100%', text: `UPDATE book SET discount_value = 100.01` },
  { constraint: 'book_max_assignments_check', case: 'assignment limit 0', text: `UPDATE book SET max_assignments_per_user = 0` },
  { constraint: 'book_max_redemptions_check', case: 'redemption limit 0', text: `UPDATE book SET max_redemptions_per_user = 0` },
  { constraint: 'book_validity_window_check', case: 'window ends before it starts', text: `UPDATE book SET valid_from = now(), valid_until = now() - interval '1 day'` },
  { constraint: 'book_validity_window_check', case: 'empty window', text: `UPDATE book SET valid_from = '2030-01-01', valid_until = '2030-01-01'` },
  { constraint: 'distribution_counts_check', case: 'assigned more than requested', text: `INSERT INTO distribution (id, pool_id, book_id, mode, requested, assigned, created_by_id) VALUES (gen_random_uuid(), $1, $2, 'RANDOM', 2, 3, $3)`, values: [POOL, BOOK, USER] },
  { constraint: 'distribution_counts_check', case: 'negative requested', text: `INSERT INTO distribution (id, pool_id, book_id, mode, requested, assigned, created_by_id) VALUES (gen_random_uuid(), $1, $2, 'EQUAL', -1, 0, $3)`, values: [POOL, BOOK, USER] },
  { constraint: 'code_job_counts_check', case: 'negative progress', text: `INSERT INTO code_job (id, book_id, kind, total, processed) VALUES (gen_random_uuid(), $1, 'GENERATE', 10, -1)`, values: [BOOK] },
  { constraint: 'code_job_counts_check', case: 'negative duplicates', text: `INSERT INTO code_job (id, book_id, kind, total, duplicates) VALUES (gen_random_uuid(), $1, 'UPLOAD', 10, -1)`, values: [BOOK] },
  { constraint: 'redemption_reversal_check', case: 'reason without reversed_at', text: `UPDATE redemption SET reversal_reason = 'refund' WHERE id = $1`, values: [REDEMPTION] },
  { constraint: 'book_currency_check', case: 'lower-case currency', text: `UPDATE book SET currency = 'usd'` },
  { constraint: 'book_currency_check', case: 'fixed amount without a currency', text: `UPDATE book SET discount_type = 'FIXED_AMOUNT', discount_value = 5, currency = NULL` },
  { constraint: 'book_currency_check', case: 'minimum order without a currency', text: `UPDATE book SET min_order_amount = 10, currency = NULL` },
  { constraint: 'book_currency_check', case: 'negative minimum order', text: `UPDATE book SET min_order_amount = -1, currency = 'EUR'` },
  { constraint: 'app_user_identity_check', case: 'person without a password', text: `INSERT INTO app_user (id, email) VALUES (gen_random_uuid(), 'nopass@example.com')` },
  { constraint: 'app_user_identity_check', case: 'customer with a password', text: `INSERT INTO app_user (id, external_id, password_hash) VALUES (gen_random_uuid(), 'cust-1', 'x')` },
  { constraint: 'app_user_identity_check', case: 'customer with an email', text: `INSERT INTO app_user (id, external_id, email) VALUES (gen_random_uuid(), 'cust-2', 'c@example.com')` },
  { constraint: 'app_user_identity_check', case: 'admin customer', text: `INSERT INTO app_user (id, external_id, role) VALUES (gen_random_uuid(), 'cust-3', 'ADMIN')` },
  { constraint: 'app_user_identity_check', case: 'empty external id', text: `INSERT INTO app_user (id, external_id) VALUES (gen_random_uuid(), '')` },
  { constraint: 'app_user_identity_check', case: 'nobody', text: `INSERT INTO app_user (id) VALUES (gen_random_uuid())` },
  { constraint: 'redemption_order_check', case: 'order id without an amount', text: `UPDATE redemption SET order_id = 'o-1' WHERE id = $1`, values: [REDEMPTION] },
  { constraint: 'redemption_order_check', case: 'discount above the order', text: `UPDATE redemption SET order_id = 'o-1', order_amount = 5, discount_amount = 6, currency = 'EUR' WHERE id = $1`, values: [REDEMPTION] },
  { constraint: 'redemption_order_check', case: 'amount without an order id', text: `UPDATE redemption SET order_amount = 5 WHERE id = $1`, values: [REDEMPTION] },
  { constraint: 'api_key_scopes_check', case: 'no scopes', text: `INSERT INTO api_key (id, name, prefix, secret_hash, scopes, created_by_id) VALUES (gen_random_uuid(), 'k', 'cbk_x', '\\x00', '{}', $1)`, values: [USER] },
  { constraint: 'refresh_token_expiry_check', case: 'expires when made', text: `INSERT INTO refresh_token (id, family_id, user_id, token_hash, created_at, expires_at) VALUES (gen_random_uuid(), gen_random_uuid(), $1, '\\x01', now(), now())`, values: [USER] },
  { constraint: 'book_budget_check', case: 'budget of 0 redemptions', text: `UPDATE book SET max_total_redemptions = 0` },
  { constraint: 'book_budget_check', case: 'more redeemed than the budget', text: `UPDATE book SET max_total_redemptions = 1, redeemed_total = 2` },
  { constraint: 'book_budget_check', case: 'negative redeemed total', text: `UPDATE book SET redeemed_total = -1` },
  { constraint: 'book_budget_check', case: 'discount budget without a currency', text: `UPDATE book SET max_total_discount_amount = 100, currency = NULL` },
  { constraint: 'book_budget_check', case: 'more discount than the budget', text: `UPDATE book SET currency = 'EUR', max_total_discount_amount = 10, discount_total = 10.01` },
  { constraint: 'coupon_max_redemptions_check', case: 'per-code limit 0', text: `UPDATE coupon SET max_redemptions = 0 WHERE id = 1` },
  { constraint: 'coupon_void_check', case: 'VOID without voided_at', text: `UPDATE coupon SET state = 'VOID' WHERE id = 2` },
  { constraint: 'coupon_void_check', case: 'voided_at on a live coupon', text: `UPDATE coupon SET voided_at = now() WHERE id = 1` },
  { constraint: 'distribution_remainder_check', case: 'RANDOM with a remainder rule', text: `INSERT INTO distribution (id, pool_id, book_id, mode, requested, assigned, created_by_id, remainder) VALUES (gen_random_uuid(), $1, $2, 'RANDOM', 2, 2, $3, 'LEAVE_IN_BOOK')`, values: [POOL, BOOK, USER] },
  { constraint: 'app_user_identity_check', case: 'erased user keeping an email', text: `UPDATE app_user SET erased_at = now(), password_hash = NULL WHERE id = $1`, values: [OTHER_USER] },
  { constraint: 'webhook_endpoint_events_check', case: 'endpoint without events', text: `UPDATE webhook_endpoint SET events = '{}' WHERE id = $1`, values: [ENDPOINT] },
  { constraint: 'webhook_delivery_due_check', case: 'PENDING without a next attempt', text: `UPDATE webhook_delivery SET next_attempt_at = NULL WHERE id = 1` },
  { constraint: 'webhook_delivery_due_check', case: 'DELIVERED with a next attempt', text: `UPDATE webhook_delivery SET status = 'DELIVERED' WHERE id = 1` },
  { constraint: 'webhook_delivery_attempts_check', case: 'negative attempts', text: `UPDATE webhook_delivery SET attempts = -1 WHERE id = 1` },
  { constraint: 'webhook_delivery_attempts_check', case: 'retry base above attempts', text: `UPDATE webhook_delivery SET retry_base = 1 WHERE id = 1` },
  { constraint: 'webhook_fanout_single_row_check', case: 'a second cursor row', text: `INSERT INTO webhook_fanout (id, mark) VALUES (2, 0)` },
  { constraint: 'redemption_reversal_check', case: 'reverser without reversed_at', text: `UPDATE redemption SET reversed_by_id = $2 WHERE id = $1`, values: [REDEMPTION, OTHER_USER] },
];

describe('CHECK constraints', () => {
  it.each(violations)('$constraint rejects $case', async ({ constraint, text, values }) => {
    await expect(sql(text, values)).rejects.toMatchObject({ code: '23514', constraint });
  });

  it('every CHECK constraint in the schema has a test above', async () => {
    const { rows } = await sql(
      `SELECT conname FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
        WHERE n.nspname = 'public' AND c.contype = 'c' ORDER BY conname`,
    );
    expect(rows.map((r) => r.conname)).toEqual([...new Set(violations.map((v) => v.constraint))].sort());
  });

  it('accepts the rows the state machine produces', async () => {
    await sql(`UPDATE coupon SET state = 'LOCKED', locked_by_id = assigned_user_id, lock_expires_at = now() + interval '5 minutes' WHERE id = 2`);
    await sql(`UPDATE coupon SET state = 'REDEEMED', locked_by_id = NULL, lock_expires_at = NULL, redemption_count = 1 WHERE id = 2`);
    await sql(`UPDATE user_book_counter SET assigned_count = 5, redeemed_count = 3`);
    await sql(`UPDATE book SET discount_value = 100, lock_ttl_seconds = 86400, valid_from = now(), valid_until = now() + interval '1 day'`);
    await sql(`UPDATE redemption SET reversed_at = now(), reversed_by_id = $2, reversal_reason = 'refund' WHERE id = $1`, [REDEMPTION, OTHER_USER]);
    await sql(`UPDATE coupon SET state = 'ASSIGNED' WHERE id = 2`);
    // A leaked code is voided whether or not anyone held it.
    await sql(`UPDATE coupon SET state = 'VOID', voided_at = now() WHERE id = 1`);
    await sql(`UPDATE coupon SET state = 'UNASSIGNED', voided_at = NULL WHERE id = 1`);
  });
});

describe('unique and partial indexes', () => {
  it("a redemption's idempotency key may repeat: a key is remembered only for its lifetime (idempotency_record)", async () => {
    const insert = (user: string, key: string | null) =>
      sql(`INSERT INTO redemption (id, coupon_id, book_id, user_id, idempotency_key) VALUES (gen_random_uuid(), 2, $1, $2, $3)`, [BOOK, user, key]);
    await insert(USER, 'key-1'); // the key of the redemption the suite starts with, reused after its lifetime
    await insert(OTHER_USER, 'key-1');
    await insert(USER, null);
    await insert(USER, null);
  });

  it('an order redeems a coupon once while that redemption stands', async () => {
    const insert = (order: string, reversed = false) =>
      sql(
        `INSERT INTO redemption (id, coupon_id, book_id, user_id, order_id, order_amount, discount_amount, currency, reversed_at, reversed_by_id, reversal_reason)
         VALUES (gen_random_uuid(), 2, $1, $2, $3, 20, 2, 'EUR', $4, $5, $6)`,
        [BOOK, USER, order, reversed ? new Date() : null, reversed ? OTHER_USER : null, reversed ? 'refund' : null],
      );
    await insert('order-a', true); // a refunded redemption of the order
    await insert('order-a');
    await expect(insert('order-a')).rejects.toMatchObject({ code: '23505', constraint: 'redemption_coupon_order_key' });
    await insert('order-b');
  });

  it('a shop customer is a user with an external id and no email or password', async () => {
    await sql(`INSERT INTO app_user (id, external_id) VALUES (gen_random_uuid(), 'shop-customer-1')`);
    await expect(sql(`INSERT INTO app_user (id, external_id) VALUES (gen_random_uuid(), 'shop-customer-1')`)).rejects.toMatchObject({
      code: '23505',
      constraint: 'app_user_external_id_key',
    });
  });

  it('codes are unique', async () => {
    await expect(sql(`INSERT INTO coupon (book_id, code) VALUES ($1, 'FREE1')`, [BOOK])).rejects.toMatchObject({
      code: '23505',
      constraint: 'coupon_code_key',
    });
  });

  it.each([
    ['coupon_unassigned_pick_idx', 'ON public.coupon USING btree (book_id, random_key) WHERE (state = \'UNASSIGNED\'::"CouponState")'],
    ['coupon_lock_expiry_idx', 'ON public.coupon USING btree (lock_expires_at) WHERE (state = \'LOCKED\'::"CouponState")'],
    ['book_lower_name_idx', 'ON public.book USING btree (lower(name))'],
  ])('%s exists as designed', async (name, definition) => {
    const { rows } = await sql('SELECT indexdef FROM pg_indexes WHERE indexname = $1', [name]);
    expect(rows[0]?.indexdef).toContain(definition);
  });
});
