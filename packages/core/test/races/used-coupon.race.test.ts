import { describe, expect, it } from 'vitest';
import { contextFor, createBook, createUser, serviceAnswer, useServiceTest } from '../../testing/index.ts';
import { updateBook } from '../../src/books/book.service.ts';
import { assignCoupon, lockCoupon, redeemCoupon, reverseRedemption, unassignCoupon, validateCoupon } from '../../src/coupons/index.ts';
import { checkInvariants } from '../../src/invariants/invariants.ts';

// A used coupon under rules changed after its use. Each step is a legal call; the end state must
// still satisfy the service's own invariant checker (invariants.ts), which the reliability suites
// run after every round.

const t = useServiceTest({ poolSize: 10 });
/** The broken rules whose name contains `rule`, with their examples. */
const broken = async (rule: string) => (await checkInvariants(t.db.prisma)).filter((v) => v.rule.includes(rule));
const admin = () => contextFor(t.db, t.admin);

describe('a multi-use book turned single-use while a coupon already has a use', () => {
  it('the coupon, used once, must not be redeemed a second time as a single-use coupon', async () => {
    const { bookId, codes } = await createBook(t.db, 1, { allowMultipleRedemptions: true });
    const shopper = contextFor(t.db, await createUser(t.db));
    const code = codes[0];
    await assignCoupon(shopper, { code });
    await lockCoupon(shopper, { code });
    await redeemCoupon(shopper, { code });
    // Back in ASSIGNED (multi-use), one use so far. The admin now makes the book single-use.
    await updateBook(admin(), bookId, { allowMultipleRedemptions: false });
    await lockCoupon(shopper, { code });
    // validateCoupon names the refusal the redeem then gives.
    const validation = await validateCoupon(shopper, { code });
    const second = await serviceAnswer(redeemCoupon(shopper, { code }));
    const violations = await broken('no redemption count exceeds its limit');
    // A single-use book's coupon has at most one use (invariants.ts: "single-use: 1").
    expect({ validation: [validation.valid, validation.reason], second: second.ok ? 'ok' : [second.code, second.details], violations }).toEqual({
      validation: [false, 'LIMIT_REACHED'],
      second: ['LIMIT_REACHED', { limit: 'CODE' }],
      violations: [],
    });
  });
});

describe('unassignCoupon of a coupon whose only redemption was reversed', () => {
  it('a coupon that was redeemed (its redemption kept, reversed) is not recycled to the book', async () => {
    const { codes } = await createBook(t.db, 1);
    const shopper = contextFor(t.db, await createUser(t.db));
    const code = codes[0];
    await assignCoupon(shopper, { code });
    await lockCoupon(shopper, { code });
    const redemption = await redeemCoupon(shopper, { code });
    await reverseRedemption(admin(), { redemptionId: redemption.id, reason: 'refund' });
    const unassigned = await serviceAnswer(unassignCoupon(admin(), { code, reason: 'recycle' }));
    // Then another shopper claims it: the reversed redemption now belongs to someone who no longer owns the coupon.
    const other = contextFor(t.db, await createUser(t.db));
    const claimed = await serviceAnswer(assignCoupon(other, { code }));
    const violations = await broken("a redemption belongs to its coupon's owner");
    expect({ unassigned: unassigned.ok ? 'ok' : unassigned.code, claimed: claimed.ok ? 'ok' : claimed.code, violations }).toEqual({
      unassigned: 'INVALID_STATE',
      claimed: 'NOT_FOUND',
      violations: [],
    });
  });
});
