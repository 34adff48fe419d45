import { graphql } from '@/gql';

export const MyCouponFragment = graphql(`
  fragment MyCoupon on Coupon {
    id
    code
    state
    lockExpiresAt
    redemptionCount
    assignedAt
    bookId
  }
`);

export const MyCouponsQuery = graphql(`
  query MyCoupons($first: Int) {
    myCoupons(first: $first) {
      totalCount
      edges {
        node {
          ...MyCoupon
        }
      }
    }
  }
`);

export const ClaimableBooksQuery = graphql(`
  query ClaimableBooks($first: Int) {
    books(first: $first) {
      edges {
        node {
          id
          name
          discountType
          discountValue
          validUntil
          isActive
        }
      }
    }
  }
`);

export const ClaimRandomCouponMutation = graphql(`
  mutation ClaimRandomCoupon($bookId: ID!, $idempotencyKey: String) {
    assignRandomCoupon(bookId: $bookId, idempotencyKey: $idempotencyKey) {
      ...MyCoupon
    }
  }
`);

export const ClaimCouponByCodeMutation = graphql(`
  mutation ClaimCouponByCode($code: String!) {
    assignCoupon(code: $code) {
      ...MyCoupon
    }
  }
`);

export const LockCouponMutation = graphql(`
  mutation LockMyCoupon($code: String!, $idempotencyKey: String) {
    lockCoupon(code: $code, idempotencyKey: $idempotencyKey) {
      ...MyCoupon
    }
  }
`);

export const UnlockCouponMutation = graphql(`
  mutation UnlockMyCoupon($code: String!) {
    unlockCoupon(code: $code) {
      ...MyCoupon
    }
  }
`);

export const RedeemCouponMutation = graphql(`
  mutation RedeemMyCoupon($code: String!, $idempotencyKey: String) {
    redeemCoupon(code: $code, idempotencyKey: $idempotencyKey) {
      id
      redeemedAt
      coupon {
        ...MyCoupon
      }
    }
  }
`);

export const MyCouponEventsSubscription = graphql(`
  subscription MyCouponEvents {
    couponEvents {
      id
      type
      serverTime
      coupon {
        ...MyCoupon
      }
    }
  }
`);
