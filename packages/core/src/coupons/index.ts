export * from './coupon.record.ts';
export { assignRandomCoupon, assignCoupon } from './assign.service.ts';
export { lockCoupon, unlockCoupon } from './lock.service.ts';
export { redeemCoupon, reverseRedemption } from './redeem.service.ts';
export { sweepExpiredLocks, startLockSweeper } from './lock-sweeper.ts';
export * from './coupon.queries.ts';
export { DEFAULT_IDEMPOTENCY_LIFETIME_MS, sweepIdempotencyRecords } from './idempotency.ts';
