/**
 * `@coupons/core/sql` — **internal**: the coupon transitions' raw statements and the transaction
 * they run in, for tools that measure them on their own (bench/: the SQL benchmarks and the
 * EXPLAIN report). Not a service API: these calls skip authorization, idempotency and event
 * announcements. Applications use the services of `@coupons/core` (assignRandomCoupon,
 * lockCoupon, redeemCoupon …); see docs/ARCHITECTURE.md.
 */
export { type ClaimOutcome, claimRandomCoupon } from './assign.sql.ts';
export { lockCouponSql, type TransitionOutcome } from './lock.sql.ts';
export { type RedeemOutcome, redeemCouponSql } from './redeem.sql.ts';
export { inTransaction, type Tx, type TxPool, txOn } from './transition.ts';
export { withPgTransaction } from '../shared/pg-transaction.ts';
export { type CouponFilter, couponSearchSql, parseCouponFilter, type SearchStatements } from './coupon.search.ts';
export { parseRedemptionFilter, type RedemptionFilter, redemptionSearchSql } from './redemption.search.ts';
