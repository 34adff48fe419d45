import { describe, expect, it } from 'vitest';
import { contextFor, createBook, createTestClock, createUser, label, serviceAnswer, useServiceTest } from '../../testing/index.ts';
import { assignCoupon, lockCoupon, redeemCoupon, sweepExpiredLocks, unassignCoupon } from '../../src/coupons/index.ts';

// A refused redeem names an expired lock LOCK_EXPIRED whether or not the sweeper ran first
// (redeem.service.ts redeemRefusal); the swept case is read from the coupon's latest lock-related
// event (redeem.sql.ts latestLockEventIsExpiry). An admin's unassign and a new assignment of the
// code end that holding: its redeem is "lock it first" (INVALID_STATE) whether the sweeper
// recorded the expiry before the unassign or the unassign found the lock merely past its time.
// (Before those events counted, the swept case answered LOCK_EXPIRED.)

const t = useServiceTest({ poolSize: 10 });

async function run(sweepFirst: boolean): Promise<string> {
  const start = Date.now();
  const clock = createTestClock(start);
  const { codes } = await createBook(t.db, 1, { lockTtlSeconds: 60 });
  const code = codes[0] as string;
  const user = await createUser(t.db);
  const shopper = contextFor(t.db, user, clock);
  const admin = contextFor(t.db, t.admin, clock);
  await assignCoupon(shopper, { code });
  await lockCoupon(shopper, { code });
  clock.advance({ seconds: 61 }); // the lock ran out
  if (sweepFirst) expect(await sweepExpiredLocks(contextFor(t.db, null, clock))).toBeGreaterThanOrEqual(1);
  // The admin takes the coupon back into the book; the same shopper claims it again.
  await unassignCoupon(admin, { code, reason: 'back to the book' });
  await assignCoupon(shopper, { code });
  // A fresh assignment that was never locked: "lock it first".
  return label(await serviceAnswer(redeemCoupon(shopper, { code })));
}

describe('naming a redeem of a coupon given anew after its lock ran out', () => {
  it('answers the same whether or not the sweeper recorded the expiry before the unassign', async () => {
    const lazily = await run(false);
    const swept = await run(true);
    expect({ lazily, swept }).toEqual({ lazily: 'INVALID_STATE', swept: 'INVALID_STATE' });
  });
});
