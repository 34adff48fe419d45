'use client';

import { graphql } from '@/gql';
import { useMutationAction } from '@/lib/apollo/use-mutation-action';
import { newIdempotencyKey } from '@/lib/ids/idempotency-key';
import { MyCouponsQuery } from './use-my-coupons';

const ClaimRandomCouponMutation = graphql(`
  mutation ClaimRandomCoupon($bookId: ID!, $idempotencyKey: String) {
    assignRandomCoupon(bookId: $bookId, idempotencyKey: $idempotencyKey) {
      ...MyCoupon
    }
  }
`);

const ClaimCouponByCodeMutation = graphql(`
  mutation ClaimCouponByCode($code: String!) {
    assignCoupon(code: $code) {
      ...MyCoupon
    }
  }
`);

/** Claims a random coupon of a book, or a given code; my coupons are read again before it resolves. */
export function useClaimCoupon() {
  const refetch = { refetchQueries: [MyCouponsQuery], awaitRefetchQueries: true };
  const random = useMutationAction(ClaimRandomCouponMutation, (data) => data.assignRandomCoupon, refetch);
  const byCode = useMutationAction(ClaimCouponByCodeMutation, (data) => data.assignCoupon, refetch);
  return {
    claimRandom: (bookId: string) => random.run({ bookId, idempotencyKey: newIdempotencyKey() }),
    claimByCode: (code: string) => byCode.run({ code }),
    claimingRandom: random.loading,
    claimingByCode: byCode.loading,
  };
}
