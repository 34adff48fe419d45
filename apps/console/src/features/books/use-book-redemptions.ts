'use client';

import { useMutation, useQuery, useSubscription } from '@apollo/client/react';
import { graphql } from '@/gql';
import { useCoalescedCallback } from '@/lib/hooks/use-coalesced-callback';

const SHOWN = 20;

const BookRedemptionsQuery = graphql(`
  query BookRedemptions($bookId: ID!, $first: Int) {
    redemptions(bookId: $bookId, first: $first) {
      totalCount
      edges {
        node {
          ...RedemptionRow
        }
      }
    }
  }
`);

const BookRedemptionEventsSubscription = graphql(`
  subscription BookRedemptionEvents($bookId: ID!) {
    redemptionEvents(bookId: $bookId) {
      id
      reversedAt
    }
  }
`);

const ReverseRedemptionMutation = graphql(`
  mutation ReverseRedemption($redemptionId: ID!, $reason: String!) {
    reverseRedemption(redemptionId: $redemptionId, reason: $reason) {
      ...RedemptionRow
      coupon {
        id
        state
        redemptionCount
      }
    }
  }
`);

/** A book's latest redemptions, read again (coalesced) whenever one is made or reversed. */
export function useBookRedemptions(bookId: string) {
  const { data, loading, error, refetch } = useQuery(BookRedemptionsQuery, { variables: { bookId, first: SHOWN } });
  const refetchSoon = useCoalescedCallback(() => void refetch().catch(() => undefined), 300);
  useSubscription(BookRedemptionEventsSubscription, { variables: { bookId }, onData: () => refetchSoon() });
  const redemptions = data?.redemptions;
  return {
    redemptions: redemptions?.edges.map((e) => e.node),
    totalCount: redemptions?.totalCount,
    loading,
    error,
    refetch: () => void refetch(),
    refetchSoon,
  };
}

/** The admin's reversal of a redemption (a refund or a cancelled order gives the use back). */
export function useReverseRedemption() {
  const [reverse, { loading }] = useMutation(ReverseRedemptionMutation);
  const reverseRedemption = async (redemptionId: string, reason: string) => {
    await reverse({ variables: { redemptionId, reason } });
  };
  return { reverseRedemption, loading };
}
