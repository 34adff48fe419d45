'use client';

import { useSubscription } from '@apollo/client/react';
import { useRef } from 'react';
import { graphql } from '@/gql';
import type { CouponState } from '@/gql/graphql';
import { usePagedQuery } from '@/lib/apollo/use-paged-query';
import { noteServerTime } from '@/lib/clock/server-clock';
import { useCoalescedCallback } from '@/lib/hooks/use-coalesced-callback';

/** The API serves at most 100 items per page; 50 keeps a page light. */
const PAGE = 50;

export const BookCouponsQuery = graphql(`
  query BookCoupons($id: ID!, $first: Int, $after: String, $state: CouponState) {
    book(id: $id) {
      id
      coupons(first: $first, after: $after, state: $state) {
        totalCount
        pageInfo {
          ...NextPage
        }
        edges {
          cursor
          node {
            ...CouponRow
          }
        }
      }
    }
  }
`);

const BookCouponEventsSubscription = graphql(`
  subscription BookCouponEvents($bookId: ID!) {
    couponEvents(bookId: $bookId) {
      id
      type
      at
      serverTime
      fromState
      toState
      coupon {
        ...CouponRow
      }
    }
  }
`);

/**
 * A book's coupons (optionally in one state), a page at a time, kept live. Coupon events carry the
 * changed coupon, which Apollo merges into the rows already shown (same `Coupon:id`), so a lock or
 * a redemption changes its row in place. Only when an event concerns a coupon not on screen (new
 * codes, a filter the change moves it across) are the pages read again, at most a few times a second.
 */
export function useBookCoupons(bookId: string, state: CouponState | null) {
  const coupons = usePagedQuery(BookCouponsQuery, {
    variables: { id: bookId, state },
    pageSize: PAGE,
    connection: (data) => data.book?.coupons,
  });
  const shownIds = useRef(new Set<string>());
  for (const coupon of coupons.nodes ?? []) shownIds.current.add(coupon.id);

  const refetchSoon = useCoalescedCallback(() => void coupons.refetch(), 300);
  useSubscription(BookCouponEventsSubscription, {
    variables: { bookId },
    onData: ({ data: event }) => {
      const payload = event.data?.couponEvents;
      if (!payload) return;
      noteServerTime(payload.serverTime);
      if (!payload.coupon || state || !shownIds.current.has(payload.coupon.id)) refetchSoon();
    },
  });
  return coupons;
}
