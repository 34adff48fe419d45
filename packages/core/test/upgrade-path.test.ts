import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { applyMigrations, createDatabase, type Database, defaultMigrationPaths, hashPassword } from '@coupons/db';
import { createEmptyDatabase } from '@coupons/db/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { type AuthSettings, login, register } from '../src/auth/auth.service.ts';
import { redeemCoupon } from '../src/coupons/redeem.service.ts';
import { checkInvariants } from '../src/invariants/invariants.ts';
import { systemClock } from '../src/shared/context.ts';
import { normalizeEmail } from '../src/users/email.ts';
import { fanOutWebhookEvents } from '../src/webhooks/webhook.fanout.ts';
import { generousSignInLimits, TEST_TOKEN_SETTINGS } from '../testing/index.ts';

// The operator's upgrade: a database filled by an EARLIER release (its schema: the migrations up
// to a point; its rows: what that release's code wrote) is brought to this release by the
// project's own migrate code, and must keep every row meaningful — the invariants hold, and the
// code of this release reads the old rows as the old release meant them.

const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
});

async function migrationNames(): Promise<string[]> {
  const entries = await fs.readdir(defaultMigrationPaths.migrationsDir, { withFileTypes: true });
  return entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
}

/** A fresh database at the schema of the release before the migration ending in `suffix`, and a handle on it. */
async function databaseBefore(suffix: string): Promise<{ url: string; db: Database; rest: string[] }> {
  const database = await createEmptyDatabase();
  cleanups.push(database.drop);
  const names = await migrationNames();
  const next = names.findIndex((name) => name.endsWith(suffix));
  expect(next, suffix).toBeGreaterThan(0);
  const before = await fs.mkdtemp(path.join(os.tmpdir(), 'upgrade-path-'));
  cleanups.push(() => fs.rm(before, { recursive: true, force: true }));
  for (const name of names.slice(0, next)) {
    await fs.cp(path.join(defaultMigrationPaths.migrationsDir, name), path.join(before, name), { recursive: true });
  }
  await fs.copyFile(path.join(defaultMigrationPaths.migrationsDir, 'migration_lock.toml'), path.join(before, 'migration_lock.toml'));
  await applyMigrations(database.url, { ...defaultMigrationPaths, migrationsDir: before });
  const db = createDatabase({ url: database.url, poolSize: 3, applicationName: 'upgrade-path-test' });
  cleanups.push(() => db.close());
  return { url: database.url, db, rest: names.slice(next) };
}

const settings: AuthSettings = { tokens: TEST_TOKEN_SETTINGS, signInLimits: generousSignInLimits(100) };

describe('upgrade from the release before email_nfc (emails stored by the old normalizeEmail: trim + toLowerCase)', { timeout: 90_000 }, () => {
  // What the previous release accepted and stored as typed (lower-cased): an internationalised
  // domain in its ASCII (punycode) form, as mail clients often show it, and one typed with
  // full-width letters (an East Asian keyboard). This release stores the domain as UTS #46 maps
  // it (bücher.de, example.com) and looks accounts up by that form only.
  const OLD_EMAILS = ['bob@xn--bcher-kva.de', 'carol@ｅｘａｍｐｌｅ.com'];
  const PASSWORD = 'old-release-password';

  async function upgradedWithOldAccounts(): Promise<Database> {
    const { url, db, rest } = await databaseBefore('_email_nfc');
    const hash = await hashPassword(PASSWORD);
    for (const email of OLD_EMAILS) {
      await db.pool.query(`INSERT INTO app_user (id, email, password_hash) VALUES (gen_random_uuid(), $1, $2)`, [email, hash]);
    }
    expect(await applyMigrations(url)).toEqual(rest);
    return db;
  }

  it('leaves every stored email in the form this release looks accounts up by', async () => {
    const db = await upgradedWithOldAccounts();
    const { rows } = await db.pool.query<{ email: string }>('SELECT email FROM app_user ORDER BY email');
    expect(rows.map((r) => r.email)).toEqual(rows.map((r) => normalizeEmail(r.email)));
  });

  it('the account owner still signs in with the address they registered with', async () => {
    const db = await upgradedWithOldAccounts();
    const ctx = { db, caller: null, clock: systemClock };
    for (const email of OLD_EMAILS) {
      await expect(login(ctx, { email, password: PASSWORD, ip: '192.0.2.10' }, settings), email).resolves.toMatchObject({
        user: { email: normalizeEmail(email) },
      });
    }
  });

  it('nobody registers a second account for an address that already has one', async () => {
    const db = await upgradedWithOldAccounts();
    const ctx = { db, caller: null, clock: systemClock };
    await expect(register(ctx, { email: OLD_EMAILS[0], password: 'another-password-1', ip: '192.0.2.11' }, settings)).rejects.toThrow(
      /already registered/,
    );
    const { rows } = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM app_user`);
    expect(rows[0].n).toBe(OLD_EMAILS.length);
  });
});

describe('upgrade across the last eight migrations on a populated database', { timeout: 120_000 }, () => {
  // The release before login_in_flight: everything after it (login_in_flight … outbox_gap_ranges)
  // is applied to a database that release filled.
  const FROM = '_login_in_flight';
  const IDS = {
    admin: '00000000-0000-4000-8000-00000000000a',
    alice: '00000000-0000-4000-8000-0000000000a1',
    bob: '00000000-0000-4000-8000-0000000000b0',
    erased: '00000000-0000-4000-8000-0000000000e0',
    book: '00000000-0000-4000-8000-00000000b001',
    budgeted: '00000000-0000-4000-8000-00000000b002',
    pool: '00000000-0000-4000-8000-00000000f001',
    endpoint: '00000000-0000-4000-8000-00000000e001',
  };

  /** The old release's rows, written as its code wrote them (state counts and totals by its triggers). */
  async function populate(db: Database): Promise<{ undelivered: string[]; delivered: string[] }> {
    const q = (text: string, values: unknown[] = []) => db.pool.query(text, values);
    await q(`INSERT INTO app_user (id, email, password_hash, role) VALUES
      ($1, 'admin@example.com', 'h', 'ADMIN'), ($2, 'alice@example.com', 'h', 'USER'), ($3, 'bob@example.com', 'h', 'USER')`, [
      IDS.admin,
      IDS.alice,
      IDS.bob,
    ]);
    // A user the old release erased (no email, no password), whose coupon and redemption stay.
    await q(`INSERT INTO app_user (id, email, password_hash, erased_at, disabled_at) VALUES ($1, NULL, NULL, now(), now())`, [IDS.erased]);
    await q(`INSERT INTO book (id, name, discount_type, discount_value, currency, max_assignments_per_user, lock_ttl_seconds)
             VALUES ($1, 'Five off', 'FIXED_AMOUNT', 5, 'USD', 3, 600)`, [IDS.book]);
    await q(`INSERT INTO book (id, name, discount_type, discount_value, max_total_redemptions, redeemed_total)
             VALUES ($1, 'Budgeted ten percent', 'PERCENTAGE', 10, 100, 1)`, [IDS.budgeted]);
    // Codes in every state.
    await q(`INSERT INTO coupon (book_id, code, state, assigned_user_id, assigned_at, locked_by_id, lock_expires_at, redemption_count, voided_at) VALUES
      ($1, 'OLD-UNASSIGNED-1', 'UNASSIGNED', NULL, NULL, NULL, NULL, 0, NULL),
      ($1, 'OLD-UNASSIGNED-2', 'UNASSIGNED', NULL, NULL, NULL, NULL, 0, NULL),
      ($1, 'OLD-ASSIGNED', 'ASSIGNED', $2::uuid, now() - interval '2 days', NULL, NULL, 0, NULL),
      ($1, 'OLD-LOCKED', 'LOCKED', $2::uuid, now() - interval '1 day', $2::uuid, now() + interval '1 hour', 0, NULL),
      ($1, 'OLD-REDEEMED', 'REDEEMED', $3::uuid, now() - interval '3 days', NULL, NULL, 1, NULL),
      ($1, 'OLD-REVERSED', 'ASSIGNED', $3::uuid, now() - interval '3 days', NULL, NULL, 0, NULL),
      ($1, 'OLD-ERASED', 'REDEEMED', $4::uuid, now() - interval '4 days', NULL, NULL, 1, NULL),
      ($1, 'OLD-VOID', 'VOID', NULL, NULL, NULL, NULL, 0, now() - interval '1 day'),
      ($5, 'OLD-BUDGET', 'REDEEMED', $2::uuid, now() - interval '1 day', NULL, NULL, 1, NULL)`, [
      IDS.book,
      IDS.alice,
      IDS.bob,
      IDS.erased,
      IDS.budgeted,
    ]);
    await q(`INSERT INTO user_book_counter (user_id, book_id, assigned_count, redeemed_count, max_assignments) VALUES
      ($1, $4, 2, 0, 3), ($2, $4, 2, 1, 3), ($3, $4, 1, 1, 3), ($1, $5, 1, 1, NULL)`, [IDS.alice, IDS.bob, IDS.erased, IDS.book, IDS.budgeted]);
    const R = {
      redeemed: '00000000-0000-4000-8000-0000000000c1',
      reversed: '00000000-0000-4000-8000-0000000000c2',
      erased: '00000000-0000-4000-8000-0000000000c3',
      budget: '00000000-0000-4000-8000-0000000000c4',
    };
    const redemption = (id: string, code: string, extra: string, extraValues: string) =>
      q(`INSERT INTO redemption (id, coupon_id, book_id, user_id, redeemed_at${extra})
         SELECT $1::uuid, id, book_id, assigned_user_id, now() - interval '2 days'${extraValues} FROM coupon WHERE code = $2`,
        extraValues.includes('$3') ? [id, code, IDS.admin] : [id, code]);
    await redemption(R.redeemed, 'OLD-REDEEMED', ', idempotency_key, order_id, order_amount, discount_amount, currency', ", 'cart-1', 'order-1', 40, 5, 'USD'");
    await redemption(R.reversed, 'OLD-REVERSED', ', idempotency_key, reversed_at, reversed_by_id, reversal_reason', ", 'cart-0', now() - interval '1 day', $3::uuid, 'refund'");
    await redemption(R.erased, 'OLD-ERASED', '', '');
    await redemption(R.budget, 'OLD-BUDGET', '', '');
    await q(`INSERT INTO pool (id, name) VALUES ($1, 'VIPs')`, [IDS.pool]);
    await q(`INSERT INTO pool_member (pool_id, user_id) VALUES ($1, $2), ($1, $3)`, [IDS.pool, IDS.alice, IDS.bob]);
    await q(`INSERT INTO distribution (id, pool_id, book_id, mode, requested, assigned, remainder, created_by_id)
             VALUES (gen_random_uuid(), $1, $2, 'EQUAL', 4, 2, 'LEAVE_IN_BOOK', $3)`, [IDS.pool, IDS.book, IDS.admin]);

    // The outbox: ten events. The fan-out had reached 7 with 5 still open (its transaction
    // committed late), in the old cursor format [id, detectedAt, horizon]; 5, 8, 9 and 10 are
    // owed to the endpoint, which already has deliveries for the others (one still PENDING).
    await q(`INSERT INTO webhook_endpoint (id, url, events, secret, start_after_event_id, created_by_id)
             VALUES ($1, 'https://hooks.example/coupons', '{ASSIGNED,LOCKED,REDEEMED,REVERSED,VOIDED}', 'whsec_old', 0, $2)`, [
      IDS.endpoint,
      IDS.admin,
    ]);
    type Step = [code: string, type: string, from: string, to: string, user: string | null, redemption?: string];
    const claimAndRedeem = (code: string, user: string, redemption: string): Step[] => [
      [code, 'ASSIGNED', 'UNASSIGNED', 'ASSIGNED', user],
      [code, 'LOCKED', 'ASSIGNED', 'LOCKED', user],
      [code, 'REDEEMED', 'LOCKED', 'REDEEMED', user, redemption],
    ];
    const steps: Step[] = [
      ...claimAndRedeem('OLD-ERASED', IDS.erased, R.erased),
      ...claimAndRedeem('OLD-BUDGET', IDS.alice, R.budget),
      ['OLD-ASSIGNED', 'ASSIGNED', 'UNASSIGNED', 'ASSIGNED', IDS.alice],
      ['OLD-LOCKED', 'ASSIGNED', 'UNASSIGNED', 'ASSIGNED', IDS.alice],
      ['OLD-REDEEMED', 'ASSIGNED', 'UNASSIGNED', 'ASSIGNED', IDS.bob],
      ['OLD-REDEEMED', 'LOCKED', 'ASSIGNED', 'LOCKED', IDS.bob],
      ['OLD-LOCKED', 'LOCKED', 'ASSIGNED', 'LOCKED', IDS.alice], // GAP: its transaction committed late
      ['OLD-REDEEMED', 'REDEEMED', 'LOCKED', 'REDEEMED', IDS.bob, R.redeemed],
      ['OLD-REVERSED', 'ASSIGNED', 'UNASSIGNED', 'ASSIGNED', IDS.bob], // MARK: the fan-out got this far
      ['OLD-REVERSED', 'LOCKED', 'ASSIGNED', 'LOCKED', IDS.bob],
      ['OLD-REVERSED', 'REDEEMED', 'LOCKED', 'REDEEMED', IDS.bob, R.reversed],
      ['OLD-REVERSED', 'REVERSED', 'REDEEMED', 'ASSIGNED', IDS.bob, R.reversed],
      ['OLD-VOID', 'VOIDED', 'UNASSIGNED', 'VOID', null],
    ];
    const GAP = 10;
    const MARK = 12;
    for (const [code, type, from, to, userId, redemptionId] of steps) {
      await q(
        `INSERT INTO coupon_event (coupon_id, book_id, type, from_state, to_state, user_id, actor_id, redemption_id)
         SELECT id, book_id, $2::"CouponEventType", $3::"CouponState", $4::"CouponState", $5::uuid, $5::uuid, $6::uuid FROM coupon WHERE code = $1`,
        [code, type, from, to, userId, redemptionId ?? null],
      );
    }
    const { rows: ids } = await q(`SELECT id::text AS id FROM coupon_event ORDER BY id`);
    const eventIds = ids.map((r: { id: string }) => r.id);
    expect(eventIds).toHaveLength(steps.length);
    await q(`UPDATE webhook_fanout SET mark = $1::bigint, gaps = jsonb_build_array(jsonb_build_array($2::text, (extract(epoch from now()) * 1000)::bigint, NULL))`, [
      eventIds[MARK],
      eventIds[GAP],
    ]);
    const delivered = eventIds.filter((_, i) => i <= MARK && i !== GAP);
    for (const [i, id] of delivered.entries()) {
      const pending = i === delivered.length - 1;
      await q(
        `INSERT INTO webhook_delivery (endpoint_id, event_id, message_id, event_type, payload, status, attempts, next_attempt_at, delivered_at)
         SELECT $1, e.id, 'msg_' || e.id, e.type::text,
                json_build_object('type', e.type, 'data', json_build_object('user', CASE WHEN e.user_id IS NULL THEN NULL
                  ELSE json_build_object('id', e.user_id, 'email', u.email) END))::text,
                $3::"WebhookDeliveryStatus", $4, CASE WHEN $5 THEN now() END, CASE WHEN $5 THEN NULL ELSE now() END
           FROM coupon_event e LEFT JOIN app_user u ON u.id = e.user_id WHERE e.id = $2::bigint`,
        [IDS.endpoint, id, pending ? 'PENDING' : 'DELIVERED', pending ? 0 : 1, pending],
      );
    }
    return { undelivered: eventIds.filter((_, i) => i > MARK || i === GAP), delivered };
  }

  it('migrates, keeps every invariant, lets the owner redeem a live lock, and delivers each owed event once', async () => {
    const { url, db, rest } = await databaseBefore(FROM);
    expect(rest).toHaveLength(8);
    const { undelivered, delivered } = await populate(db);
    expect(await checkInvariants(db.prisma)).toEqual([]); // the old release's data is consistent

    expect(await applyMigrations(url)).toEqual(rest);
    expect(await applyMigrations(url)).toEqual([]);
    expect(await checkInvariants(db.prisma)).toEqual([]);

    // A lock taken under the old release is still its owner's to redeem, and nobody else's.
    const bobCtx = { db, caller: { userId: IDS.bob, role: 'USER' as const }, clock: systemClock };
    await expect(redeemCoupon(bobCtx, { code: 'OLD-LOCKED' })).rejects.toThrow();
    const aliceCtx = { db, caller: { userId: IDS.alice, role: 'USER' as const }, clock: systemClock };
    await expect(redeemCoupon(aliceCtx, { code: 'OLD-LOCKED' })).resolves.toMatchObject({ userId: IDS.alice });

    // The events the old fan-out still owed go out once each; those it had fanned out, never again.
    for (let round = 0; round < 10; round++) {
      const result = await fanOutWebhookEvents({ db, clock: systemClock });
      if (result && !result.more) break;
    }
    const { rows } = await db.pool.query<{ event_id: string; n: number }>(
      `SELECT event_id::text, count(*)::int AS n FROM webhook_delivery WHERE endpoint_id = $1 GROUP BY event_id ORDER BY event_id`,
      [IDS.endpoint],
    );
    const perEvent = Object.fromEntries(rows.map((r) => [r.event_id, r.n]));
    for (const id of [...delivered, ...undelivered]) expect(perEvent[id], `event ${id}`).toBe(1);

    // The deliveries stored by the old release are tied to their user (webhook_delivery_user).
    const { rows: users } = await db.pool.query<{ event_id: string; user_id: string | null }>(
      `SELECT d.event_id::text, d.user_id::text FROM webhook_delivery d JOIN coupon_event e ON e.id = d.event_id
        WHERE d.user_id IS DISTINCT FROM e.user_id`,
    );
    expect(users).toEqual([]);
    expect(await checkInvariants(db.prisma)).toEqual([]);
  });
});
