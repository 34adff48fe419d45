import type { Prisma } from '@coupons/db';
import { createTestDatabase, type TestDatabase } from '@coupons/db/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeScans, explainScans } from '../../testing/index.ts';
import { claimRandomCoupon } from './assign.sql.ts';
import { inTransaction, type Tx } from './transition.ts';

// A random claim on a book with nothing left (SOLD_OUT) must not read the coupon table: its step
// 1 asks whether unassigned codes are left, and an EXISTS there was planned as a sequential scan
// of every book's coupons (65-75 ms per SOLD_OUT beside 300k codes, docs/SCALING.md). The plan
// checked is the generic one, the plan a prepared statement runs after its first few calls, on
// a table of 50,000 unassigned codes in another book with settled statistics.

let t: TestDatabase;
let userId: string;
let emptiedBook: string;

beforeAll(async () => {
  t = await createTestDatabase({ poolSize: 2 });
  const q = (text: string, values: unknown[] = []) => t.db.pool.query(text, values);
  userId = (await q(`INSERT INTO app_user (id, email, password_hash) VALUES (gen_random_uuid(), 'sold-out@plan.test', 'x') RETURNING id::text`)).rows[0].id;
  const book = async (name: string) =>
    (await q(`INSERT INTO book (id, name, discount_type, discount_value, updated_at) VALUES (gen_random_uuid(), $1, 'PERCENTAGE', 10, now()) RETURNING id::text`, [name])).rows[0].id as string;
  const full = await book('full');
  emptiedBook = await book('emptied');
  await q(`INSERT INTO coupon (book_id, code) SELECT $1::uuid, 'FULL' || lpad(g::text, 6, '0') FROM generate_series(1, 50000) g`, [full]);
  await q(
    `INSERT INTO coupon (book_id, code, state, assigned_user_id, assigned_at)
     SELECT $1::uuid, 'GONE' || lpad(g::text, 6, '0'), 'ASSIGNED', $2::uuid, now() FROM generate_series(1, 200) g`,
    [emptiedBook, userId],
  );
  await q('VACUUM ANALYZE coupon');
}, 120_000);
afterAll(() => t?.drop());

it('answers SOLD_OUT on an emptied book without scanning the coupon table', async () => {
  const statements: Prisma.Sql[] = [];
  const outcome = await inTransaction(t.db.pool, (tx) => {
    const record = <T>(statement: Prisma.Sql) => {
      statements.push(statement);
      return tx.rows<T>(statement);
    };
    const recording: Tx = {
      rows: record,
      last: record,
      steps: <L, A>(lock: Prisma.Sql, act: Prisma.Sql) => {
        statements.push(lock, act);
        return tx.steps<L, A>(lock, act);
      },
    };
    return claimRandomCoupon(recording, { bookId: emptiedBook, userId, actorId: userId, now: new Date() });
  });
  expect(outcome).toMatchObject({ claimant: 'OK', bookFound: true, active: true, picked: false, unassignedLeft: false, coupon: null });
  expect(statements).toHaveLength(2);
  // Step 2 acts only on the row step 1 locked (none here): its read and its update find it by primary key.
  const actScans = await explainScans(t.db.pool, statements[1].text, [], ['GENERIC_PLAN']);
  expect(actScans.filter((s) => s.relation === 'coupon').map((s) => s.index), describeScans(actScans)).toEqual(['coupon_pkey', 'coupon_pkey']);

  const scans = await explainScans(t.db.pool, statements[0].text, [], ['GENERIC_PLAN']);
  const summary = describeScans(scans);
  expect(scans.filter((s) => s.relation === 'coupon' && s.index === undefined), summary).toEqual([]);
  expect(scans.filter((s) => s.relation === 'coupon').map((s) => s.index), summary).toEqual([
    'coupon_unassigned_pick_idx',
    'coupon_unassigned_pick_idx',
    'coupon_unassigned_pick_idx',
  ]);
});
