'use client';

import { useMutation } from '@apollo/client/react';
import { graphql } from '@/gql';
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
  const [claimRandom, random] = useMutation(ClaimRandomCouponMutation, refetch);
  const [claimCode, byCode] = useMutation(ClaimCouponByCodeMutation, refetch);
  return {
    claimRandom: async (bookId: string) => (await claimRandom({ variables: { bookId, idempotencyKey: newIdempotencyKey() } })).data?.assignRandomCoupon ?? null,
    claimByCode: async (code: string) => (await claimCode({ variables: { code } })).data?.assignCoupon ?? null,
    claimingRandom: random.loading,
    claimingByCode: byCode.loading,
  };
}
