'use client';

import { useQuery, useSubscription } from '@apollo/client/react';
import { graphql } from '@/gql';
import type { UpdateCouponInput } from '@/gql/graphql';
import { useMutationAction } from '@/lib/apollo/use-mutation-action';
import { usePagedQuery } from '@/lib/apollo/use-paged-query';
import { useCoalescedCallback } from '@/lib/hooks/use-coalesced-callback';

/** Events per page of a coupon's timeline. */
export const TIMELINE_PAGE = 20;

export const CouponDetailQuery = graphql(`
  query CouponDetail($code: String!) {
    coupon(code: $code) {
      ...CouponDetailFields
    }
  }
`);

export const CouponTimelineQuery = graphql(`
  query CouponTimeline($code: String!, $first: Int, $after: String) {
    coupon(code: $code) {
      id
      events(first: $first, after: $after) {
        totalCount
        pageInfo {
          ...NextPage
        }
        edges {
          cursor
          node {
            ...CouponTimelineEntry
          }
        }
      }
    }
  }
`);

const CouponChangedSubscription = graphql(`
  subscription CouponChanged($code: String!) {
    couponEvents(code: $code) {
      id
      coupon {
        ...CouponDetailFields
      }
    }
  }
`);

export const VoidCouponMutation = graphql(`
  mutation VoidCoupon($code: String!, $reason: String!) {
    voidCoupon(code: $code, reason: $reason) {
      ...CouponDetailFields
    }
  }
`);

export const UnassignCouponMutation = graphql(`
  mutation UnassignCoupon($code: String!, $reason: String!) {
    unassignCoupon(code: $code, reason: $reason) {
      ...CouponDetailFields
    }
  }
`);

export const ForceUnlockCouponMutation = graphql(`
  mutation ForceUnlockCoupon($code: String!, $reason: String) {
    forceUnlockCoupon(code: $code, reason: $reason) {
      ...CouponDetailFields
    }
  }
`);

export const UpdateCouponMutation = graphql(`
  mutation UpdateCoupon($code: String!, $input: UpdateCouponInput!) {
    updateCoupon(code: $code, input: $input) {
      ...CouponDetailFields
    }
  }
`);

/**
 * One coupon by code for its page, its timeline (newest first, a page at a time), kept live by the
 * coupon's own events, and the admin's actions on it. Each action rejects with the API's error;
 * on success the coupon (normalised cache) and the timeline show the change. `live: false` leaves
 * the subscription out (unit tests without a socket).
 */
export function useCoupon(code: string, { live = true }: { live?: boolean } = {}) {
  const { data, loading, error, refetch } = useQuery(CouponDetailQuery, { variables: { code } });
  const timeline = usePagedQuery(CouponTimelineQuery, {
    variables: { code },
    pageSize: TIMELINE_PAGE,
    connection: (page) => page.coupon?.events,
  });
  const refetchTimeline = useCoalescedCallback(() => void timeline.refetch(), 300);
  useSubscription(CouponChangedSubscription, { variables: { code }, skip: !live, onData: () => refetchTimeline() });

  const voidIt = useMutationAction(VoidCouponMutation, (answer) => answer.voidCoupon);
  const unassign = useMutationAction(UnassignCouponMutation, (answer) => answer.unassignCoupon);
  const update = useMutationAction(UpdateCouponMutation, (answer) => answer.updateCoupon);
  const unlock = useMutationAction(ForceUnlockCouponMutation, (answer) => answer.forceUnlockCoupon);
  const thenTimeline = async (work: Promise<unknown>) => {
    await work;
    await timeline.refetch();
  };

  return {
    coupon: data?.coupon ?? null,
    loaded: data !== undefined,
    loading,
    error,
    refetch,
    timeline,
    voidCoupon: (reason: string) => thenTimeline(voidIt.run({ code, reason })),
    unassignCoupon: (reason: string) => thenTimeline(unassign.run({ code, reason })),
    unlockCoupon: (reason: string | null) => thenTimeline(unlock.run({ code, reason })),
    updateCoupon: (input: UpdateCouponInput) => thenTimeline(update.run({ code, input })),
    busy: voidIt.loading || unassign.loading || unlock.loading,
    updating: update.loading,
  };
}
