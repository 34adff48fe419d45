'use client';

import { useSubscription } from '@apollo/client/react';
import { graphql } from '@/gql';
import { useMutationAction } from '@/lib/apollo/use-mutation-action';
import { usePagedQuery } from '@/lib/apollo/use-paged-query';
import { useCoalescedCallback } from '@/lib/hooks/use-coalesced-callback';

/** Redemptions per page of the book's list. */
export const REDEMPTIONS_PAGE = 20;

export const BookRedemptionsQuery = graphql(`
  query BookRedemptions(
    $bookId: ID!
    $first: Int
    $after: String
    $email: String
    $codePrefix: String
    $redeemedAfter: DateTime
    $redeemedBefore: DateTime
    $reversed: Boolean
  ) {
    redemptions(
      bookId: $bookId
      first: $first
      after: $after
      email: $email
      codePrefix: $codePrefix
      redeemedAfter: $redeemedAfter
      redeemedBefore: $redeemedBefore
      reversed: $reversed
    ) {
      totalCount
      pageInfo {
        ...NextPage
      }
      edges {
        cursor
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

export const ReverseRedemptionMutation = graphql(`
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

/** What a book's redemption list may be narrowed to (the `redemptions` filters); null: any. */
export interface RedemptionFilters {
  /** The redeemer's whole email (matched exactly, any case). */
  email: string | null;
  codePrefix: string | null;
  /** ISO instants: redeemed at or after, and before. */
  redeemedAfter: string | null;
  redeemedBefore: string | null;
  /** true: only reversed ones; false: only those that stand. */
  reversed: boolean | null;
}

export const NO_REDEMPTION_FILTERS: RedemptionFilters = { email: null, codePrefix: null, redeemedAfter: null, redeemedBefore: null, reversed: null };

/**
 * A book's redemptions, newest first, narrowed by `filters`, a page at a time (`start`: the cursor the page starts after); every page shown is
 * read again (coalesced) whenever one is made or reversed.
 */
export function useBookRedemptions(
  bookId: string,
  filters: RedemptionFilters = NO_REDEMPTION_FILTERS,
  { live = true, pageSize = REDEMPTIONS_PAGE, start = null }: { live?: boolean; pageSize?: number; start?: string | null } = {},
) {
  const redemptions = usePagedQuery(BookRedemptionsQuery, {
    variables: { bookId, ...filters },
    pageSize,
    start,
    connection: (data) => data.redemptions,
  });
  const refetchSoon = useCoalescedCallback(() => void redemptions.refetch(), 300);
  useSubscription(BookRedemptionEventsSubscription, { variables: { bookId }, skip: !live, onData: () => refetchSoon() });
  return { ...redemptions, refetchSoon };
}

/** The admin's reversal of a redemption (a refund or a cancelled order gives the use back). */
export function useReverseRedemption() {
  const { run, loading } = useMutationAction(ReverseRedemptionMutation, (data) => data.reverseRedemption);
  const reverseRedemption = async (redemptionId: string, reason: string) => {
    await run({ redemptionId, reason });
  };
  return { reverseRedemption, loading };
}
