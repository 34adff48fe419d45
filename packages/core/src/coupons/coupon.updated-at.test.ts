import { describe, expect, it } from 'vitest';
import { contextFor, createBook, createTestClock, createUser, useServiceTest } from '../../testing/index.ts';
import { eraseUser } from '../users/user-admin.service.ts';
import {
  assignCoupon,
  type CouponRecord,
  forceUnlockCoupon,
  getCouponByCode,
  lockCoupon,
  redeemCoupon,
  reverseRedemption,
  unassignCoupon,
  unlockCoupon,
  updateCoupon,
  voidCoupon,
} from './index.ts';

// Coupon.updatedAt grows with every change of a coupon, in the order the changes committed, so a
// client that meets the same coupon in a query and in events keeps the later copy. A request's
// clock can be behind the last change's: it was read before the request waited for the row, or on
// another API process. Here every change runs on a clock a minute behind the one before.
const t = useServiceTest();

describe('Coupon.updatedAt', () => {
  it('increases with every change of a coupon even when each request’s clock is behind the last change’s', async () => {
    const clock = createTestClock();
    const [owner, admin] = [await createUser(t.db), await createUser(t.db, 'ADMIN')];
    const user = contextFor(t.db, owner, clock);
    const staff = contextFor(t.db, admin, clock);
    const { codes } = await createBook(t.db, 2);
    const [code, other] = codes;
    const seen: Array<[string, Date]> = [];
    const step = async (name: string, change: () => Promise<unknown>, of = code) => {
      clock.advance({ minutes: -1 });
      await change();
      const coupon = (await getCouponByCode(staff, of)) as CouponRecord;
      seen.push([`${name} (${of})`, coupon.updatedAt]);
    };

    await step('assign', () => assignCoupon(user, { code }));
    await step('lock', () => lockCoupon(user, { code }));
    await step('unlock', () => unlockCoupon(user, { code }));
    await step('lock again', () => lockCoupon(user, { code }));
    let redemptionId = '';
    await step('redeem', async () => {
      redemptionId = (await redeemCoupon(user, { code })).id;
    });
    await step('reverse', () => reverseRedemption(staff, { redemptionId, reason: 'returned' }));
    await step('update', () => updateCoupon(staff, { code, input: { maxRedemptions: 3 } }));
    await step('lock a third time', () => lockCoupon(user, { code }));
    await step('force unlock', () => forceUnlockCoupon(staff, { code }));
    await step('void', () => voidCoupon(staff, { code, reason: 'leaked' }));
    const changes = seen.length;
    // A coupon never redeemed can be taken back; erasing a holder gives back the coupons they never redeemed.
    await step('assign', () => assignCoupon(user, { code: other }), other);
    await step('unassign', () => unassignCoupon(staff, { code: other, reason: 'wrong customer' }), other);
    await step('assign again', () => assignCoupon(user, { code: other }), other);
    await step('erase the holder', () => eraseUser(staff, owner.userId), other);

    for (let i = 1; i < seen.length; i++) {
      if (i === changes) continue; // another coupon
      const [[before, at], [after, next]] = [seen[i - 1], seen[i]];
      expect(next.getTime(), `${after} (${next.toISOString()}) after ${before} (${at.toISOString()})`).toBeGreaterThan(at.getTime());
    }
  });
});
