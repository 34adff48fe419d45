import { ERROR_CODES } from '@coupons/core';

// The operations the reliability suite and other API tests send with `call`, and the codes they
// may answer with.

/** The contract's error codes (DESIGN.md): anything else, INTERNAL_SERVER_ERROR included, is a defect. */
export const CONTRACT_CODES = ERROR_CODES;

export const COUPON_FIELDS = 'id code state bookId assignedUserId lockExpiresAt redemptionCount';
export const REDEMPTION_FIELDS = 'id couponId bookId userId idempotencyKey metadata reversedAt coupon { code }';

export const OPS = {
  assignRandom: `mutation AssignRandom($bookId: ID!, $userId: ID, $key: String, $customerId: String) {
    assignRandomCoupon(bookId: $bookId, userId: $userId, idempotencyKey: $key, customerId: $customerId) { ${COUPON_FIELDS} } }`,
  assignCode: `mutation AssignCode($code: String!, $userId: ID, $customerId: String) {
    assignCoupon(code: $code, userId: $userId, customerId: $customerId) { ${COUPON_FIELDS} } }`,
  lock: `mutation Lock($code: String!, $key: String, $customerId: String) {
    lockCoupon(code: $code, idempotencyKey: $key, customerId: $customerId) { ${COUPON_FIELDS} } }`,
  unlock: `mutation Unlock($code: String!, $customerId: String) { unlockCoupon(code: $code, customerId: $customerId) { ${COUPON_FIELDS} } }`,
  redeem: `mutation Redeem($code: String!, $key: String, $metadata: JSON, $customerId: String) {
    redeemCoupon(code: $code, idempotencyKey: $key, metadata: $metadata, customerId: $customerId) { ${REDEMPTION_FIELDS} } }`,
  reverse: `mutation Reverse($id: ID!, $reason: String!) {
    reverseRedemption(redemptionId: $id, reason: $reason) { ${REDEMPTION_FIELDS} } }`,
  distribute: `mutation Distribute($poolId: ID!, $bookId: ID!, $mode: DistributionMode!, $count: Int!) {
    distributeToPool(poolId: $poolId, bookId: $bookId, mode: $mode, count: $count) { id requested assigned } }`,
  coupon: `query Coupon($code: String!) { coupon(code: $code) { ${COUPON_FIELDS} } }`,
} as const;
