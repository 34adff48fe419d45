'use client';

import { useMutation, useQuery } from '@apollo/client/react';
import { graphql } from '@/gql';
import { newIdempotencyKey } from '@/lib/ids/idempotency-key';
import { MyCouponsQuery } from './use-my-coupons';

const ClaimableBooksQuery = graphql(`
  query ClaimableBooks($first: Int) {
    books(first: $first) {
      edges {
        node {
          ...BookSummaryFields
        }
      }
    }
  }
`);

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

/** The books a coupon can be claimed from now (active ones). */
export function useClaimableBooks() {
  const { data, loading, error } = useQuery(ClaimableBooksQuery, { variables: { first: 100 } });
  return { books: data?.books.edges.map((e) => e.node).filter((b) => b.isActive) ?? [], loading, error };
}

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
