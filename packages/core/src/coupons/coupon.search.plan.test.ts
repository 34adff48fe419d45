import { randomBytes } from 'node:crypto';
import { applyMigrations, createDatabase, type Database, databaseUrl, dropDatabaseIfExists } from '@coupons/db';
import { createTestDatabase, type TestDatabase } from '@coupons/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeScans, explainScans, fillSearchFixture, type PlanScan, type SearchFixture } from '../../testing/index.ts';
import { type CouponSearchArgs, couponSearchSql, parseCouponFilter, type SearchStatements } from './coupon.search.ts';
import { parseRedemptionFilter, type RedemptionSearchArgs, redemptionSearchSql } from './redemption.search.ts';

// The search filters are served by indexes, not by reading the table: EXPLAIN (FORMAT JSON) of
// the very statements the services send (built by couponSearchSql / redemptionSearchSql) on
// 200,000 coupons in four books, with settled statistics. The planner is left alone (no
// enable_seqscan = off): the data are uniform, so the plan it picks is the plan it would pick
// in production on a book like these. Then the code prefix again in an ICU en-US database,
// where only an index with text_pattern_ops can serve LIKE 'ABC%'.

const NOW = new Date('2026-06-01T12:00:00.000Z');
const DAY = 86_400_000;
const BOOK_SIZE = 50_000;

async function explain(db: Database, statement: SearchStatements['rows']): Promise<PlanScan[]> {
  return explainScans(db.pool, statement.text, statement.values as unknown[]);
}

/** The plan reads `table` through one of `indexes` and never scans coupon sequentially. */
function expectIndexed(scans: PlanScan[], indexes: string[], what: string): void {
  const summary = describeScans(scans);
  expect(scans.filter((s) => s.node === 'Seq Scan' && s.relation === 'coupon'), `${what}: ${summary}`).toEqual([]);
  expect(scans.some((s) => s.index !== undefined && indexes.includes(s.index)), `${what} uses ${indexes.join(' or ')}: ${summary}`).toBe(true);
}

let t: TestDatabase;
let fixture: SearchFixture;
/** A person holding coupons of book 0, a customer holding some, a redeemed code. */
let person: { id: string; email: string };
let customer: string;
let redeemedCode: string;

beforeAll(async () => {
  t = await createTestDatabase({ poolSize: 2 });
  fixture = await fillSearchFixture(t.db.pool, { books: [BOOK_SIZE, BOOK_SIZE, BOOK_SIZE, BOOK_SIZE], now: NOW });
  const one = async <T>(text: string, values: unknown[]) => ((await t.db.pool.query(text, values)).rows[0] as T);
  person = await one(
    `SELECT u.id::text AS id, u.email FROM coupon c JOIN app_user u ON u.id = c.assigned_user_id
     WHERE c.book_id = $1::uuid AND u.email IS NOT NULL LIMIT 1`,
    [fixture.bookIds[0]],
  );
  customer = (await one<{ external_id: string }>(
    `SELECT u.external_id FROM coupon c JOIN app_user u ON u.id = c.assigned_user_id WHERE u.external_id IS NOT NULL LIMIT 1`,
    [],
  )).external_id;
  redeemedCode = (await one<{ code: string }>('SELECT c.code FROM redemption r JOIN coupon c ON c.id = r.coupon_id LIMIT 1', [])).code;
}, 120_000);
afterAll(() => t?.drop());

const couponCases = (): Array<[string, CouponSearchArgs, string[]]> => [
  // Book 0 is the oldest: a walk down the primary key would read the three newer books first.
  ['a book', { bookId: fixture.bookIds[0] }, ['coupon_book_id_created_at_id_idx']],
  ['a book, LOCKED', { bookId: fixture.bookIds[0], state: 'LOCKED' }, ['coupon_book_id_state_created_at_id_idx', 'coupon_lock_expiry_idx']],
  ['a book, REDEEMED', { bookId: fixture.bookIds[0], state: 'REDEEMED' }, ['coupon_book_id_state_created_at_id_idx']],
  ['a book, VOID', { bookId: fixture.bookIds[1], state: 'VOID' }, ['coupon_book_id_state_created_at_id_idx']],
  ['a user', { userId: person.id }, ['coupon_owner_idx']],
  ['an email, any case', { email: person.email.toUpperCase() }, ['coupon_owner_idx']],
  ['a customer', { customerId: customer }, ['coupon_owner_idx']],
  ['a code prefix', { codePrefix: redeemedCode.slice(0, -10).toLowerCase() }, ['coupon_code_key']],
  ['a book, assigned in the last 2 days', { bookId: fixture.bookIds[2], assignedAfter: new Date(NOW.getTime() - 2 * DAY) }, ['coupon_assigned_at_idx', 'coupon_assigned_at_any_book_idx']],
  // Across books the planner weighs walking the primary key newest first (about limit / selectivity
  // rows: a one-day window of this fixture, ~220 of 200,000 codes, is ~18,000 rows) against the
  // window's rows fetched at random and sorted; for a one-day window the two costs are within the
  // noise of its statistics sample, so that choice flipped between runs (CI runs 8 and 9), both
  // plans reading an index. A selective window (one hour, ~9 codes) must read the window index.
  [
    'any book, assigned within one hour',
    { assignedAfter: new Date(NOW.getTime() - 30 * DAY - 3_600_000), assignedBefore: new Date(NOW.getTime() - 30 * DAY) },
    ['coupon_assigned_at_any_book_idx', 'coupon_assigned_at_idx'],
  ],
  ['a book, a user, ASSIGNED', { bookId: fixture.bookIds[0], userId: person.id, state: 'ASSIGNED' }, ['coupon_owner_idx']],
  [
    'a code prefix, REDEEMED, assigned in the last 60 days',
    { codePrefix: redeemedCode.slice(0, -11), state: 'REDEEMED', assignedAfter: new Date(NOW.getTime() - 60 * DAY) },
    ['coupon_code_key'],
  ],
];

const redemptionCases = (): Array<[string, RedemptionSearchArgs, string[]]> => [
  ['all', {}, ['redemption_redeemed_at_id_idx']],
  ['a user', { userId: person.id }, ['redemption_user_id_redeemed_at_idx']],
  ['an email', { email: person.email }, ['redemption_user_id_redeemed_at_idx']],
  ['a code', { code: redeemedCode.toLowerCase() }, ['redemption_coupon_id_idx']],
  ['a code prefix', { codePrefix: redeemedCode.slice(0, -10) }, ['coupon_code_key']],
  ['reversed', { reversed: true }, ['redemption_reversed_idx']],
  ['redeemed within one day', { redeemedAfter: new Date(NOW.getTime() - 31 * DAY), redeemedBefore: new Date(NOW.getTime() - 30 * DAY) }, ['redemption_redeemed_at_id_idx']],
  [
    'a book, redeemed within one day',
    { bookId: fixture.bookIds[3], redeemedAfter: new Date(NOW.getTime() - 31 * DAY), redeemedBefore: new Date(NOW.getTime() - 30 * DAY) },
    ['redemption_book_id_redeemed_at_id_idx', 'redemption_redeemed_at_id_idx'],
  ],
  // Either index is fine here: down (redeemed_at, id) the walk starts at the book's last redemption.
  ['a book', { bookId: fixture.bookIds[0] }, ['redemption_book_id_redeemed_at_id_idx', 'redemption_redeemed_at_id_idx']],
];

describe('coupon search plans (200,000 coupons in 4 books)', () => {
  it('the page of each filter, alone and combined, reads through its index', async () => {
    for (const [name, args, indexes] of couponCases()) {
      const statements = couponSearchSql(parseCouponFilter(args), { now: NOW, limit: 20 });
      expectIndexed(await explain(t.db, statements.rows), indexes, `coupons: ${name}`);
    }
  });

  it('a later page (after a cursor) reads through the same index', async () => {
    const { rows } = await t.db.pool.query('SELECT id, created_at FROM coupon WHERE book_id = $1::uuid ORDER BY id LIMIT 1 OFFSET $2', [
      fixture.bookIds[0],
      BOOK_SIZE / 2,
    ]);
    const after = { id: BigInt(rows[0].id), createdAt: rows[0].created_at as Date };
    const inBook = couponSearchSql(parseCouponFilter({ bookId: fixture.bookIds[0] }), { now: NOW, limit: 20, after });
    expectIndexed(await explain(t.db, inBook.rows), ['coupon_book_id_created_at_id_idx'], 'coupons: a book, page 2');
    const anyBook = couponSearchSql(parseCouponFilter({}), { now: NOW, limit: 20, after });
    expectIndexed(await explain(t.db, anyBook.rows), ['coupon_pkey'], 'coupons: all, page 2');
  });

  it('the count behind totalCount reads an index too, for every selective filter', async () => {
    for (const [name, args, indexes] of couponCases().filter(([name]) => name !== 'a book')) {
      const statements = couponSearchSql(parseCouponFilter(args), { now: NOW, limit: 20 });
      const scans = await explain(t.db, statements.count);
      expect(scans.filter((s) => s.node === 'Seq Scan' && s.relation === 'coupon'), `count of coupons: ${name}`).toEqual([]);
      expect(scans.some((s) => s.index !== undefined), `count of coupons: ${name} uses an index (${indexes.join(', ')} for its page)`).toBe(true);
    }
  });

  it('redemptions: each filter reads through its index and never scans coupon', async () => {
    for (const [name, args, indexes] of redemptionCases()) {
      const statements = redemptionSearchSql(parseRedemptionFilter(args), { limit: 20 });
      expectIndexed(await explain(t.db, statements.rows), indexes, `redemptions: ${name}`);
    }
  });
});

describe('code prefix under a non-C collation', () => {
  let icu: { db: Database; drop(): Promise<void> } | undefined;
  beforeAll(async () => {
    // A database of its own, collated by ICU en-US (where 'A-B' sorts next to 'AB'): the default
    // btree operator class cannot turn LIKE 'ABC%' into an index range there.
    const name = `search_icu_${randomBytes(5).toString('hex')}`;
    await t.db.pool.query(`CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8' LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C'`);
    const url = databaseUrl(t.url, name);
    await applyMigrations(url);
    const db = createDatabase({ url, poolSize: 2, applicationName: 'coupons-test' });
    icu = {
      db,
      async drop() {
        await db.close();
        await dropDatabaseIfExists(databaseUrl(t.url, 'postgres'), name);
      },
    };
    await fillSearchFixture(db.pool, { books: [BOOK_SIZE], now: NOW, people: 200, customers: 50 });
  }, 120_000);
  afterAll(() => icu?.drop());

  it('is still served by coupon_code_key (text_pattern_ops), and so is an exact code', async () => {
    const db = icu?.db as Database;
    const { rows } = await db.pool.query<{ code: string; collation: string }>(
      `SELECT code, (SELECT datlocale FROM pg_database WHERE datname = current_database()) AS collation FROM coupon LIMIT 1`,
    );
    expect(rows[0].collation).toBe('en-US');
    const prefix = couponSearchSql(parseCouponFilter({ codePrefix: rows[0].code.slice(0, -10) }), { now: NOW, limit: 20 });
    expectIndexed(await explain(db, prefix.rows), ['coupon_code_key'], 'coupons: a code prefix (ICU)');
    const exact = redemptionSearchSql(parseRedemptionFilter({ code: rows[0].code }), { limit: 20 });
    expectIndexed(await explain(db, exact.rows), ['coupon_code_key'], 'redemptions: a code (ICU)');
  });
});
