'use client';

import { useSubscription } from '@apollo/client/react';
import { useRef } from 'react';
import { graphql } from '@/gql';
import type { MyCouponFragment } from '@/gql/graphql';
import { useMutationAction } from '@/lib/apollo/use-mutation-action';
import { usePagedQuery } from '@/lib/apollo/use-paged-query';
import { noteServerTime } from '@/lib/clock/server-clock';
import { useCoalescedCallback } from '@/lib/hooks/use-coalesced-callback';
import { newIdempotencyKey } from '@/lib/ids/idempotency-key';

/** Coupons per page, the most the API gives at once: most shoppers' whole list; "Show more" reads the next. */
export const MY_COUPONS_PAGE = 100;

export const MyCouponsQuery = graphql(`
  query MyCoupons($first: Int, $after: String) {
    myCoupons(first: $first, after: $after) {
      totalCount
      pageInfo {
        ...NextPage
      }
      edges {
        node {
          ...MyCoupon
          # The cards' book headlines come with the list (the cache redirect of Query.book finds
          # them), not in a second round trip per book after it.
          book {
            id
            ...BookSummaryFields
          }
        }
      }
    }
  }
`);

const LockCouponMutation = graphql(`
  mutation LockMyCoupon($code: String!, $idempotencyKey: String) {
    lockCoupon(code: $code, idempotencyKey: $idempotencyKey) {
      ...MyCoupon
    }
  }
`);

const UnlockCouponMutation = graphql(`
  mutation UnlockMyCoupon($code: String!) {
    unlockCoupon(code: $code) {
      ...MyCoupon
    }
  }
`);

const RedeemCouponMutation = graphql(`
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

/** Locked first (a checkout is running), then ready ones, newest first; used ones last. */
const ORDER: Record<string, number> = { LOCKED: 0, ASSIGNED: 1, REDEEMED: 2, UNASSIGNED: 3 };

export function sortMyCoupons(coupons: readonly MyCouponFragment[]): MyCouponFragment[] {
  return [...coupons].sort((a, b) => (ORDER[a.state] ?? 9) - (ORDER[b.state] ?? 9) || Date.parse(b.assignedAt ?? '') - Date.parse(a.assignedAt ?? ''));
}

/**
 * The user's coupons, a page at a time ("Show more"), kept current by `couponEvents`: a lock, an
 * expiry or a redemption made in another tab or by a distribution shows up without a reload.
 * Each page is a query of its own (`usePagedQuery`), so reading the list again reads every page
 * shown, not only the first.
 */
export function useMyCoupons() {
  const pages = usePagedQuery(MyCouponsQuery, { variables: {}, pageSize: MY_COUPONS_PAGE, connection: (data) => data.myCoupons });
  const knownIds = useRef(new Set<string>());
  knownIds.current = new Set(pages.nodes?.map((coupon) => coupon.id) ?? []);
  const refetchSoon = useCoalescedCallback(() => void pages.refetch(), 300);
  useSubscription(MyCouponEventsSubscription, {
    onData: ({ data: result }) => {
      const event = result.data?.couponEvents;
      if (!event) return;
      noteServerTime(event.serverTime);
      // Known coupons update in place (normalised cache); a new one (a distribution) needs the
      // pages shown read again. So does one on a page not shown yet, which the pages cannot tell
      // apart from a new one: a few reads of what is shown, coalesced, never a wrong list.
      if (!event.coupon || !knownIds.current.has(event.coupon.id)) refetchSoon();
    },
  });
  return {
    coupons: pages.nodes ? sortMyCoupons(pages.nodes) : undefined,
    totalCount: pages.totalCount,
    hasMore: pages.hasMore,
    loadMore: pages.loadMore,
    loadingMore: pages.loadingMore,
    loading: pages.loading,
    error: pages.error,
    refetch: () => void pages.refetch(),
  };
}

export type CouponAction = 'lock' | 'unlock' | 'redeem';

/** Lock, unlock and redeem one of my coupons; lock and redeem carry a fresh idempotency key. */
export function useCouponActions() {
  const lock = useMutationAction(LockCouponMutation, (data) => data.lockCoupon);
  const unlock = useMutationAction(UnlockCouponMutation, (data) => data.unlockCoupon);
  const redeem = useMutationAction(RedeemCouponMutation, (data) => data.redeemCoupon);
  return async (action: CouponAction, code: string): Promise<void> => {
    if (action === 'lock') await lock.run({ code, idempotencyKey: newIdempotencyKey() });
    else if (action === 'unlock') await unlock.run({ code });
    else await redeem.run({ code, idempotencyKey: newIdempotencyKey() });
  };
}
