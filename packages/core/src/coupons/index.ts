export * from './coupon.record.ts';
export { assignRandomCoupon, assignCoupon } from './assign.service.ts';
export { lockCoupon, unlockCoupon } from './lock.service.ts';
export { redeemCoupon, reverseRedemption } from './redeem.service.ts';
export { type CouponValidation, validateCoupon } from './validate.service.ts';
export {
  type Discount,
  type DiscountTerms,
  describeDiscount,
  ORDER_ID_MAX,
  type Order,
  type OrderInput,
  priceOrder,
  requireOrder,
  requireOrderId,
} from './discount.ts';
export { sweepExpiredLocks, startLockSweeper } from './lock-sweeper.ts';
export * from './coupon.queries.ts';
export { type CouponSearchArgs, type CountOption, type OwnerArgs, searchCoupons } from './coupon.search.ts';
export { listRedemptions, type RedemptionSearchArgs } from './redemption.search.ts';
export { DEFAULT_IDEMPOTENCY_LIFETIME_MS, sweepIdempotencyRecords } from './idempotency.ts';
export * from './control.service.ts';
