import { type Database, Prisma } from '@coupons/db';
import { createTestDatabase } from '@coupons/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assignCoupon,
  lockCoupon,
  redeemCoupon,
  reverseRedemption,
  sweepExpiredLocks,
} from '../coupons/index.ts';
import { addPoolMembers, createPool, distributeToPool } from '../pools/index.ts';
import type { Caller } from '../shared/context.ts';
import type { SqlClient } from '../shared/sql.ts';
import { contextFor, createBook, createUser, createTestClock } from '../../testing/index.ts';
import { checkInvariants } from './invariants.ts';

let db: Database;
let drop: () => Promise<void>;
const clock = createTestClock();
let admin: Caller;
let alice: Caller;
let bob: Caller;
/** Alice's coupons of a multi-redemption book: [0] redeemed once (and once reversed) and locked again, [1] assigned. */
let codes: string[];
let redemptionId: string;

beforeAll(async () => {
  ({ db, drop } = await createTestDatabase());
  [admin, alice, bob] = [await createUser(db, 'ADMIN'), await createUser(db), await createUser(db)];
  const book = await createBook(db, 6, { maxAssignmentsPerUser: 3, allowMultipleRedemptions: true, maxRedemptionsPerUser: 3, lockTtlSeconds: 60 });
  codes = book.codes;
  const as = (caller: Caller) => contextFor(db, caller, clock);
  await assignCoupon(as(alice), { code: codes[0] });
  await assignCoupon(as(admin), { code: codes[1], userId: alice.userId });
  await lockCoupon(as(alice), { code: codes[0] });
  clock.advance(61_000);
  await sweepExpiredLocks(as(admin));
  await lockCoupon(as(alice), { code: codes[0], idempotencyKey: 'lock-1' });
  ({ id: redemptionId } = await redeemCoupon(as(alice), { code: codes[0], idempotencyKey: 'redeem-1' }));
  await lockCoupon(as(alice), { code: codes[0] });
  await redeemCoupon(as(alice), { code: codes[0] });
  await reverseRedemption(as(admin), { redemptionId, reason: 'refund' });
  await lockCoupon(as(alice), { code: codes[0] });
  const pool = await createPool(as(admin), { name: 'invariants' });
  await addPoolMembers(as(admin), { poolId: pool.id, userIds: [bob.userId] });
  await distributeToPool(as(admin), { poolId: pool.id, bookId: book.bookId, mode: 'EQUAL', count: 2 });
});
afterAll(() => drop());

/** The rules broken after `corrupt` runs, inside a transaction that is always rolled back. */
async function brokenBy(corrupt: (tx: SqlClient) => Promise<unknown>): Promise<string[]> {
  let rules: string[] = [];
  await db.prisma
    .$transaction(async (tx) => {
      await corrupt(tx);
      rules = (await checkInvariants(tx)).map((v) => v.rule);
      throw new Error('roll back');
    })
    .catch((error: Error) => {
      if (error.message !== 'roll back') throw error;
    });
  return rules;
}

const exec = (tx: SqlClient, sql: Prisma.Sql) => tx.$executeRaw(sql);
const couponId = (code: string) => Prisma.sql`(SELECT id FROM coupon WHERE code = ${code})`;

describe('checkInvariants', () => {
  it('finds nothing wrong after a real history (expiry, sweep, idempotency, multi-redemption, reversal, distribution)', async () => {
    expect(await checkInvariants(db.prisma)).toEqual([]);
  });

  // Each case breaks one promise the way a bug would; constraints that would refuse the
  // corruption are dropped inside the rolled-back transaction.
  const cases: Array<[string, RegExp, (tx: SqlClient) => Promise<unknown>]> = [
    ['an owned coupon loses its owner', /exactly one owner/, async (tx) => {
      await exec(tx, Prisma.sql`ALTER TABLE coupon DROP CONSTRAINT coupon_assignment_check`);
      await exec(tx, Prisma.sql`UPDATE coupon SET assigned_user_id = NULL WHERE code = ${codes[1]}`);
    }],
    ['a lock held by someone else', /no lock is held by anyone but the owner/, async (tx) => {
      await exec(tx, Prisma.sql`ALTER TABLE coupon DROP CONSTRAINT coupon_lock_check`);
      await exec(tx, Prisma.sql`UPDATE coupon SET locked_by_id = ${bob.userId}::uuid WHERE code = ${codes[0]}`);
    }],
    ['a user holds more than the limit', /maxAssignmentsPerUser in force/, async (tx) => {
      // As if the guarded increment had let a second coupon through under a limit of 1.
      await exec(tx, Prisma.sql`ALTER TABLE user_book_counter DROP CONSTRAINT user_book_counter_max_assignments_check`);
      await exec(tx, Prisma.sql`UPDATE user_book_counter SET max_assignments = 1 WHERE user_id = ${alice.userId}::uuid`);
    }],
    ['a counter out of step with the coupons held', /assignment counter equals/, async (tx) => {
      await exec(tx, Prisma.sql`UPDATE user_book_counter SET assigned_count = assigned_count - 1 WHERE user_id = ${bob.userId}::uuid`);
    }],
    ['a coupon held without a counter', /assignment counter equals/, async (tx) => {
      await exec(tx, Prisma.sql`DELETE FROM user_book_counter WHERE user_id = ${bob.userId}::uuid`);
    }],
    ['a redemption count that does not match the rows', /redemption count equals its Redemption rows/, async (tx) => {
      await exec(tx, Prisma.sql`UPDATE coupon SET redemption_count = redemption_count + 1 WHERE code = ${codes[0]}`);
    }],
    ["a user's redemption counter out of step", /redemption counter equals/, async (tx) => {
      await exec(tx, Prisma.sql`UPDATE user_book_counter SET redeemed_count = 0 WHERE user_id = ${alice.userId}::uuid`);
    }],
    ['redemptions past the limit', /no redemption count exceeds its limit/, async (tx) => {
      await exec(tx, Prisma.sql`ALTER TABLE user_book_counter DROP CONSTRAINT user_book_counter_max_redemptions_check`);
      await exec(tx, Prisma.sql`UPDATE user_book_counter SET redeemed_count = 4, max_redemptions = 3 WHERE user_id = ${alice.userId}::uuid`);
    }],
    ['a transition without its event', /state its last event left it in/, async (tx) => {
      await exec(tx, Prisma.sql`UPDATE coupon SET state = 'ASSIGNED', locked_by_id = NULL, lock_expires_at = NULL WHERE code = ${codes[0]}`);
    }],
    ['an event missing from the middle of the trail', /previous event left it in/, async (tx) => {
      await exec(tx, Prisma.sql`DELETE FROM coupon_event WHERE id = (SELECT min(id) FROM coupon_event
        WHERE coupon_id = ${couponId(codes[0])} AND type = 'LOCK_EXPIRED')`);
    }],
    ['a redemption without its REDEEMED event', /exactly one REDEEMED event/, async (tx) => {
      await exec(tx, Prisma.sql`UPDATE coupon_event SET redemption_id = NULL WHERE redemption_id = ${redemptionId}::uuid AND type = 'REDEEMED'`);
    }],
    ["a redemption that is not the coupon owner's", /belongs to its coupon's owner/, async (tx) => {
      await exec(tx, Prisma.sql`UPDATE redemption SET user_id = ${bob.userId}::uuid WHERE id = ${redemptionId}::uuid`);
    }],
    ["a book's redemption total out of step", /redemption totals .* equal its standing redemptions/, async (tx) => {
      await exec(tx, Prisma.sql`UPDATE book_redemption_total SET n = n + 1 WHERE slot = (SELECT min(slot) FROM book_redemption_total)`);
    }],
    ['a reversal the redemption totals missed', /redemption totals .* equal its standing redemptions/, async (tx) => {
      await exec(tx, Prisma.sql`ALTER TABLE redemption DISABLE TRIGGER redemption_book_total_update`);
      await exec(tx, Prisma.sql`UPDATE redemption SET reversed_at = now() WHERE reversed_at IS NULL`);
    }],
    ['an idempotency record without its effect', /idempotency record/, async (tx) => {
      await exec(tx, Prisma.sql`UPDATE idempotency_record SET response = NULL WHERE key = 'lock-1'`);
    }],
  ];
  it.each(cases)('detects %s', async (_name, rule, corrupt) => {
    const broken = await brokenBy(corrupt);
    expect(broken.some((r) => rule.test(r)), `rules reported: ${JSON.stringify(broken)}`).toBe(true);
  });
});
