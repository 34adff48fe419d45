import { ApolloClient } from '@apollo/client';
import { ApolloProvider } from '@apollo/client/react';
import { MockLink } from '@apollo/client/testing';
import { act, renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { describe, expect, it } from 'vitest';
import type { MyCouponFragment } from '@/gql/graphql';
import { createConsoleCache } from '@/lib/apollo/cache';
import { MY_COUPONS_PAGE, MyCouponEventsSubscription, MyCouponsQuery, sortMyCoupons, useMyCoupons } from './use-my-coupons';

const book = { __typename: 'Book' as const, id: 'book-1', updatedAt: '2030-01-01T00:00:00.000Z', name: 'Spring', discountType: 'PERCENTAGE' as const, discountValue: 10, currency: null, validUntil: null, isActive: true };

const coupon = (n: number) => ({
  __typename: 'Coupon' as const,
  id: String(n),
  code: `CODE-${n}`,
  state: 'ASSIGNED' as const,
  updatedAt: `2030-01-01T00:00:0${n}.000Z`,
  lockExpiresAt: null,
  redemptionCount: 0,
  assignedAt: `2030-01-01T00:00:0${n}.000Z`,
  bookId: 'book-1',
  book,
});

/** A page of my coupons, newest (highest id) first. */
const page = (numbers: number[], hasNextPage: boolean, totalCount: number) => ({
  myCoupons: {
    __typename: 'CouponConnection' as const,
    totalCount,
    pageInfo: { __typename: 'PageInfo' as const, hasNextPage, endCursor: `c-${numbers.at(-1)}` },
    edges: numbers.map((n) => ({ __typename: 'CouponEdge' as const, node: coupon(n) })),
  },
});

/** A coupon event, `delay` ms after the subscription starts (after the pages are shown). */
const event = (n: number, delay: number) => ({
  request: { query: MyCouponEventsSubscription },
  delay,
  result: {
    data: { couponEvents: { __typename: 'CouponEvent' as const, id: `event-${n}`, type: 'ASSIGNED' as const, serverTime: new Date().toISOString(), coupon: (({ book: _, ...c }) => c)(coupon(n)) } },
  },
});

const first = { query: MyCouponsQuery, variables: { first: MY_COUPONS_PAGE, after: null } };
const second = { query: MyCouponsQuery, variables: { first: MY_COUPONS_PAGE, after: 'c-8' } };

function withMockedApi(mocks: ConstructorParameters<typeof MockLink>[0]) {
  const client = new ApolloClient({ link: new MockLink(mocks), cache: createConsoleCache() });
  return ({ children }: { children: ReactNode }) => <ApolloProvider client={client}>{children}</ApolloProvider>;
}

describe('useMyCoupons', () => {
  it('reads a page, then the older coupons on loadMore, all of them sorted together', async () => {
    const wrapper = withMockedApi([
      { request: first, result: { data: page([9, 8], true, 3) } },
      { request: second, result: { data: page([7], false, 3) } },
      // A coupon shown changes in place: nothing is read again (there is no mock for it).
      event(9, 50),
    ]);
    const { result } = renderHook(() => useMyCoupons(), { wrapper });
    await waitFor(() => expect(result.current.coupons?.map((c) => c.code)).toEqual(['CODE-9', 'CODE-8']));
    expect(result.current.totalCount).toBe(3);
    expect(result.current.hasMore).toBe(true);

    act(() => result.current.loadMore());
    await waitFor(() => expect(result.current.coupons?.map((c) => c.code)).toEqual(['CODE-9', 'CODE-8', 'CODE-7']));
    expect(result.current.hasMore).toBe(false);
    await act(() => new Promise((resolve) => setTimeout(resolve, 500)));
    expect(result.current.error).toBeUndefined();
  });

  it('reads every page shown again, not only the first, when an event is about a coupon not shown', async () => {
    const wrapper = withMockedApi([
      { request: first, result: { data: page([9, 8], true, 3) } },
      { request: second, result: { data: page([7], false, 3) } },
      // Given meanwhile (a distribution): an older code, which falls on the second page.
      event(6, 400),
      { request: first, result: { data: page([9, 8], true, 4) } },
      { request: second, result: { data: page([7, 6], false, 4) } },
    ]);
    const { result } = renderHook(() => useMyCoupons(), { wrapper });
    await waitFor(() => expect(result.current.hasMore).toBe(true));
    act(() => result.current.loadMore());
    await waitFor(() => expect(result.current.coupons).toHaveLength(3));
    await waitFor(() => expect(result.current.coupons?.map((c) => c.code)).toEqual(['CODE-9', 'CODE-8', 'CODE-7', 'CODE-6']), { timeout: 3_000 });
    expect(result.current.totalCount).toBe(4);
  });
});

const listed = (code: string, state: MyCouponFragment['state'], assignedAt: string): MyCouponFragment => ({
  id: code,
  code,
  state,
  assignedAt,
  lockExpiresAt: null,
  updatedAt: assignedAt,
  redemptionCount: 0,
  bookId: 'book',
});

describe('sortMyCoupons', () => {
  it('puts a running checkout first, then ready coupons newest first, then used ones', () => {
    const sorted = sortMyCoupons([
      listed('OLD', 'ASSIGNED', '2030-01-01T00:00:00Z'),
      listed('USED', 'REDEEMED', '2030-01-03T00:00:00Z'),
      listed('NEW', 'ASSIGNED', '2030-01-02T00:00:00Z'),
      listed('LOCK', 'LOCKED', '2029-01-01T00:00:00Z'),
    ]);
    expect(sorted.map((c) => c.code)).toEqual(['LOCK', 'NEW', 'OLD', 'USED']);
  });
});
