'use client';

import { useSubscription } from '@apollo/client/react';
import { useRef } from 'react';
import { graphql } from '@/gql';
import type { CouponState } from '@/gql/graphql';
import { usePagedQuery } from '@/lib/apollo/use-paged-query';
import { noteServerTime } from '@/lib/clock/server-clock';
import { useCoalescedCallback } from '@/lib/hooks/use-coalesced-callback';

/** Coupons per page unless the URL asks for another size (20, as every list of the console): the book page renders no more rows than it shows at once. */
export const COUPONS_PAGE = 20;

export const BookCouponsQuery = graphql(`
  query BookCoupons(
    $bookId: ID!
    $first: Int
    $after: String
    $state: CouponState
    $email: String
    $codePrefix: String
    $assignedAfter: DateTime
    $assignedBefore: DateTime
  ) {
    coupons(
      bookId: $bookId
      first: $first
      after: $after
      state: $state
      email: $email
      codePrefix: $codePrefix
      assignedAfter: $assignedAfter
      assignedBefore: $assignedBefore
    ) {
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

/** What a book's coupon list may be narrowed to (the root `coupons` search); null: any. */
export interface CouponFilters {
  state: CouponState | null;
  /** The holder's whole email (matched exactly, any case). */
  email: string | null;
  codePrefix: string | null;
  /** ISO instants: assigned at or after, and before. */
  assignedAfter: string | null;
  assignedBefore: string | null;
}

export const NO_COUPON_FILTERS: CouponFilters = { state: null, email: null, codePrefix: null, assignedAfter: null, assignedBefore: null };

/**
 * A book's coupons (narrowed by `filters`), a page at a time, kept live. Coupon events carry the
 * changed coupon, which Apollo merges into the rows already shown (same `Coupon:id`), so a lock or
 * a redemption changes its row in place. Only when an event concerns a coupon not on screen (new
 * codes), or a filter is on (the change may move a coupon across it), are the pages read again,
 * at most a few times a second.
 */
export function useBookCoupons(
  bookId: string,
  filters: CouponFilters = NO_COUPON_FILTERS,
  { live = true, pageSize = COUPONS_PAGE, start = null }: { live?: boolean; pageSize?: number; start?: string | null } = {},
) {
  const coupons = usePagedQuery(BookCouponsQuery, {
    variables: { bookId, ...filters },
    pageSize,
    start,
    connection: (data) => data.coupons,
  });
  const shownIds = useRef(new Set<string>());
  for (const coupon of coupons.nodes ?? []) shownIds.current.add(coupon.id);
  const filtered = Object.values(filters).some((value) => value !== null);

  const refetchSoon = useCoalescedCallback(() => void coupons.refetch(), 300);
  useSubscription(BookCouponEventsSubscription, {
    variables: { bookId },
    skip: !live,
    onData: ({ data: event }) => {
      const payload = event.data?.couponEvents;
      if (!payload) return;
      noteServerTime(payload.serverTime);
      if (!payload.coupon || filtered || !shownIds.current.has(payload.coupon.id)) refetchSoon();
    },
  });
  return coupons;
}
