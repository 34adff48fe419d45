import { Prisma } from '@coupons/db';
import { holdLock, lockWaiters } from '@coupons/db/testing';
import { describe, expect, it } from 'vitest';
import { contextFor, createBook, createUser, serviceAnswer, useServiceTest } from '../../testing/index.ts';
import { assignCoupon, assignRandomCoupon, lockCoupon, redeemCoupon } from '../../src/coupons/index.ts';
import type { ServiceContext } from '../../src/shared/context.ts';
import { actingAsCustomer } from '../../src/users/customer.service.ts';
import { eraseUser } from '../../src/users/user-admin.service.ts';

// A shop's requests and a shopper's redeem and lock racing an erase, in the interleavings where
// they used to answer UNAUTHENTICATED to a shop, or wait for each other until PostgreSQL broke the
// deadlock (40P01; over GraphQL the victim ran again after about a second). The lock never did (no
// foreign key points from the coupon's locked_by_id at the user): its test keeps it that way. Each test forces one
// interleaving with a row lock held by a transaction of the test's own (seen waiting in
// pg_stat_activity, never by sleeping), then checks the answers against the serial orders.

const t = useServiceTest({ poolSize: 20 });
const admin = () => contextFor(t.db, t.admin);

const ERASE_AT_COUPONS = '%FROM coupon%WHERE assigned_user_id = %FOR UPDATE%';

/** A shop's customer, acted for by an admin (as an API key with COUPONS_WRITE would). */
async function customer(): Promise<ServiceContext> {
  const ctx = await actingAsCustomer(admin(), `audit-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`, { create: true });
  if (!ctx?.caller) throw new Error('no customer context');
  return ctx;
}

describe('eraseUser of a shop customer racing an idempotent request for them', () => {
  it('a claim with an idempotencyKey answers as the same claim without one (FORBIDDEN), not UNAUTHENTICATED', async () => {
    const shop = await customer();
    const customerId = shop.caller?.userId as string;
    // One coupon of their own: the holder parks the erase on it, with the customer's row held FOR UPDATE.
    const { codes } = await createBook(t.db, 1);
    await assignCoupon(shop, { code: codes[0] });
    const { bookId } = await createBook(t.db, 5);

    const holder = await holdLock(t.db.pool, 'SELECT 1 FROM coupon WHERE code = $1 FOR UPDATE', [codes[0]]);
    let answers: Awaited<ReturnType<typeof serviceAnswer>>[];
    try {
      const erased = serviceAnswer(eraseUser(admin(), customerId));
      await lockWaiters(t.db.pool, 1, { like: ERASE_AT_COUPONS });
      // Both claims were resolved to the customer before the erase committed (as a request in flight is).
      const withKey = serviceAnswer(assignRandomCoupon(shop, { bookId, idempotencyKey: 'claim-1' }));
      const withoutKey = serviceAnswer(assignRandomCoupon(shop, { bookId }));
      await lockWaiters(t.db.pool, 2, { like: '%app_user%FOR KEY SHARE%' });
      await holder.end('COMMIT');
      answers = await Promise.all([erased, withKey, withoutKey]);
    } finally {
      await holder.end('ROLLBACK');
    }
    const [e, withKey, withoutKey] = answers;
    expect(e).toMatchObject({ ok: true });
    // The design (assign.service.ts claimantRefusal, idempotency.ts erasedRefusal's own comment):
    // a shop acting for a customer erased meanwhile meets an erased customer, FORBIDDEN. The shop's
    // credentials are fine: UNAUTHENTICATED ("Your session has ended") would tell it they are not.
    expect(withoutKey).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(withKey).toMatchObject({ ok: false, code: withoutKey.ok ? 'ok' : withoutKey.code });
  });

  it("an order's redeem with an idempotencyKey for a customer erased meanwhile is not UNAUTHENTICATED", async () => {
    const shop = await customer();
    const customerId = shop.caller?.userId as string;
    const { codes } = await createBook(t.db, 1);
    await assignCoupon(shop, { code: codes[0] });
    await lockCoupon(shop, { code: codes[0] });

    const holder = await holdLock(t.db.pool, 'SELECT 1 FROM coupon WHERE code = $1 FOR UPDATE', [codes[0]]);
    let answers: Awaited<ReturnType<typeof serviceAnswer>>[];
    try {
      const erased = serviceAnswer(eraseUser(admin(), customerId));
      await lockWaiters(t.db.pool, 1, { like: ERASE_AT_COUPONS });
      const redeemed = serviceAnswer(
        redeemCoupon(shop, { code: codes[0], idempotencyKey: 'order-1', order: { id: 'order-1', amount: '20.00', currency: 'EUR' } }),
      );
      await lockWaiters(t.db.pool, 1, { like: '%app_user%FOR KEY SHARE%' });
      await holder.end('COMMIT');
      answers = await Promise.all([erased, redeemed]);
    } finally {
      await holder.end('ROLLBACK');
    }
    const [e, r] = answers;
    expect(e).toMatchObject({ ok: true, value: { couponsReturned: 1 } });
    // Serially (erase first) the coupon is no longer the customer's: NOT_FOUND, or the designed FORBIDDEN.
    expect(r.ok ? 'ok' : r.code).toBeOneOf(['NOT_FOUND', 'FORBIDDEN']);
  });
});

describe('lock order: a redeem takes its user, then the coupon, as an erase does', () => {
  it('a redeem racing the erase of its redeemer answers as one serial order (no 40P01 for either)', async () => {
    const { bookId, codes } = await createBook(t.db, 1);
    const user = await createUser(t.db);
    const shopper = contextFor(t.db, user);
    await assignCoupon(shopper, { code: codes[0] });
    await lockCoupon(shopper, { code: codes[0] });

    // The counter row is held: the redeem locks its coupon (step 1's first CTE), then waits here.
    const holder = await holdLock(
      t.db.pool,
      Prisma.sql`SELECT 1 FROM user_book_counter WHERE user_id = ${user.userId}::uuid AND book_id = ${bookId}::uuid FOR UPDATE`,
    );
    let answers: Awaited<ReturnType<typeof serviceAnswer>>[];
    try {
      const redeemed = serviceAnswer(redeemCoupon(shopper, { code: codes[0] }));
      await lockWaiters(t.db.pool, 1, { like: '%user_book_counter%' });
      // The erase used to take the user's row FOR UPDATE, then wait for the coupon the redeem held,
      // while the redeem's insert then waited for the user's row (its foreign key). Now the redeem
      // holds the user's row from its first statement, and the erase waits for it there.
      const erased = serviceAnswer(eraseUser(admin(), user.userId));
      await lockWaiters(t.db.pool, 2);
      await holder.end('COMMIT');
      answers = await Promise.all([redeemed, erased]);
    } finally {
      await holder.end('ROLLBACK');
    }
    const [r, e] = answers;
    const outcome = `redeem ${r.ok ? 'ok' : r.code}, erase ${e.ok ? 'ok' : e.code}`;
    // Serially: redeem then erase (both ok, the coupon kept), or erase then redeem (the session ended).
    expect(outcome).toBeOneOf(['redeem ok, erase ok', 'redeem UNAUTHENTICATED, erase ok', 'redeem NOT_FOUND, erase ok']);
  });
});

describe('lock order: a lock takes its user, then the coupon, as an erase does', () => {
  it('a lock racing the erase of its holder answers as one serial order (no 40P01 for either)', async () => {
    const { codes } = await createBook(t.db, 1);
    const user = await createUser(t.db);
    const shopper = contextFor(t.db, user);
    await assignCoupon(shopper, { code: codes[0] });

    // The event table held: the lock has its coupon row (step 1) and waits at step 2's event insert,
    // before the foreign-key check of locked_by_id, which takes the user's row FOR KEY SHARE.
    const holder = await holdLock(t.db.pool, 'LOCK TABLE coupon_event IN SHARE MODE');
    let answers: Awaited<ReturnType<typeof serviceAnswer>>[];
    try {
      const locked = serviceAnswer(lockCoupon(shopper, { code: codes[0] }));
      await lockWaiters(t.db.pool, 1);
      // The erase takes the user's row FOR UPDATE and waits for the coupon; the lock then writes its
      // holder's id with no foreign-key check on the user's row, and commits first.
      const erased = serviceAnswer(eraseUser(admin(), user.userId));
      await lockWaiters(t.db.pool, 2);
      await holder.end('COMMIT');
      answers = await Promise.all([locked, erased]);
    } finally {
      await holder.end('ROLLBACK');
    }
    const [l, e] = answers;
    // Serially: lock then erase (the erase gives the locked coupon back), or erase then lock (the coupon is not theirs any more).
    const outcome = `lock ${l.ok ? 'ok' : l.code}, erase ${e.ok ? `ok (${(e.value as { couponsReturned: number }).couponsReturned} returned)` : e.code}`;
    expect(outcome).toBeOneOf(['lock ok, erase ok (1 returned)', 'lock NOT_FOUND, erase ok (1 returned)', 'lock UNAUTHENTICATED, erase ok (1 returned)']);
  });
});
