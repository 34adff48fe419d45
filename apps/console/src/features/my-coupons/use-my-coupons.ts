'use client';

import { useQuery, useSubscription } from '@apollo/client/react';
import { useMemo, useRef } from 'react';
import { graphql } from '@/gql';
import type { MyCouponFragment } from '@/gql/graphql';
import { useMutationAction } from '@/lib/apollo/use-mutation-action';
import { noteServerTime } from '@/lib/clock/server-clock';
import { useCoalescedCallback } from '@/lib/hooks/use-coalesced-callback';
import { newIdempotencyKey } from '@/lib/ids/idempotency-key';

export const MyCouponsQuery = graphql(`
  query MyCoupons($first: Int) {
    myCoupons(first: $first) {
      totalCount
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

const MyCouponEventsSubscription = graphql(`
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
 * The user's coupons, kept current by `couponEvents`: a lock, an expiry or a redemption made in
 * another tab or by a distribution shows up without a reload.
 */
export function useMyCoupons() {
  const { data, loading, error, refetch } = useQuery(MyCouponsQuery, { variables: { first: 100 } });
  const knownIds = useRef(new Set<string>());
  knownIds.current = new Set(data?.myCoupons.edges.map((e) => e.node.id) ?? []);
  const refetchSoon = useCoalescedCallback(() => void refetch(), 300);
  useSubscription(MyCouponEventsSubscription, {
    onData: ({ data: result }) => {
      const event = result.data?.couponEvents;
      if (!event) return;
      noteServerTime(event.serverTime);
      // Known coupons update in place (normalised cache); a new one (a distribution) needs the list.
      if (!event.coupon || !knownIds.current.has(event.coupon.id)) refetchSoon();
    },
  });
  const coupons = useMemo(() => (data ? sortMyCoupons(data.myCoupons.edges.map((e) => e.node)) : undefined), [data]);
  return { coupons, loading, error, refetch: () => void refetch() };
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
