import { describe, expect, it } from 'vitest';
import type { MyCouponFragment } from '@/gql/graphql';
import { sortMyCoupons } from './use-my-coupons';

const coupon = (code: string, state: MyCouponFragment['state'], assignedAt: string): MyCouponFragment => ({
  id: code,
  code,
  state,
  assignedAt,
  lockExpiresAt: null,
  updatedAt: assignedAt,
  redemptionCount: 0,
  bookId: 'book',
});

describe('sortMyCoupons', () => {
  it('puts a running checkout first, then ready coupons newest first, then used ones', () => {
    const sorted = sortMyCoupons([
      coupon('OLD', 'ASSIGNED', '2030-01-01T00:00:00Z'),
      coupon('USED', 'REDEEMED', '2030-01-03T00:00:00Z'),
      coupon('NEW', 'ASSIGNED', '2030-01-02T00:00:00Z'),
      coupon('LOCK', 'LOCKED', '2029-01-01T00:00:00Z'),
    ]);
    expect(sorted.map((c) => c.code)).toEqual(['LOCK', 'NEW', 'OLD', 'USED']);
  });
});
