import { ApolloClient, InMemoryCache } from '@apollo/client';
import { ApolloProvider } from '@apollo/client/react';
import { MockLink } from '@apollo/client/testing';
import { act, renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { describe, expect, it } from 'vitest';
import { CouponDetailQuery, CouponTimelineQuery, TIMELINE_PAGE, useCoupon, VoidCouponMutation } from './use-coupon';

const CODE = 'SPRING-001';
const admin = { __typename: 'User' as const, id: 'u-admin', email: 'admin@example.com', externalId: null };

const coupon = (state: string) => ({
  __typename: 'Coupon' as const,
  id: 'c-1',
  code: CODE,
  state,
  assignedAt: '2026-03-01T10:00:00.000Z',
  lockExpiresAt: null,
  redemptionCount: 0,
  createdAt: '2026-03-01T09:00:00.000Z',
  updatedAt: '2026-03-01T10:00:00.000Z',
  bookId: 'b-1',
  book: { __typename: 'Book' as const, id: 'b-1', name: 'Spring' },
  user: { __typename: 'User' as const, id: 'u-1', email: 'shopper@example.com', externalId: null },
});

const event = (id: string, type: string, toState: string, reason: string | null = null) => ({
  __typename: 'CouponEvent' as const,
  id,
  type,
  at: '2026-03-01T10:00:00.000Z',
  reason,
  fromState: null,
  toState,
  actor: admin,
});

const timeline = (events: ReturnType<typeof event>[]) => ({
  data: {
    coupon: {
      __typename: 'Coupon' as const,
      id: 'c-1',
      events: {
        __typename: 'CouponEventConnection' as const,
        totalCount: events.length,
        pageInfo: { __typename: 'PageInfo' as const, hasNextPage: false, endCursor: null },
        edges: events.map((node) => ({ __typename: 'CouponEventEdge' as const, cursor: node.id, node })),
      },
    },
  },
});

function withMockedApi(mocks: MockLink.MockedResponse[]) {
  const client = new ApolloClient({ link: new MockLink(mocks), cache: new InMemoryCache() });
  return ({ children }: { children: ReactNode }) => <ApolloProvider client={client}>{children}</ApolloProvider>;
}

const timelineRequest = { query: CouponTimelineQuery, variables: { code: CODE, first: TIMELINE_PAGE, after: null } };

describe('useCoupon', () => {
  it('shows the coupon and its history, and after a void the coupon is VOID with the reason on top of the history', async () => {
    const wrapper = withMockedApi([
      { request: { query: CouponDetailQuery, variables: { code: CODE } }, result: { data: { coupon: coupon('ASSIGNED') } } },
      { request: timelineRequest, result: timeline([event('e-1', 'ASSIGNED', 'ASSIGNED')]) },
      { request: { query: VoidCouponMutation, variables: { code: CODE, reason: 'leaked on a forum' } }, result: { data: { voidCoupon: coupon('VOID') } } },
      { request: timelineRequest, result: timeline([event('e-2', 'VOIDED', 'VOID', 'leaked on a forum'), event('e-1', 'ASSIGNED', 'ASSIGNED')]) },
    ]);
    const { result } = renderHook(() => useCoupon(CODE, { live: false }), { wrapper });
    await waitFor(() => expect(result.current.coupon?.state).toBe('ASSIGNED'));
    await waitFor(() => expect(result.current.timeline.nodes?.map((e) => e.type)).toEqual(['ASSIGNED']));

    await act(async () => {
      await result.current.voidCoupon('leaked on a forum');
    });
    await waitFor(() => expect(result.current.coupon?.state).toBe('VOID'));
    await waitFor(() => expect(result.current.timeline.nodes?.[0]).toMatchObject({ type: 'VOIDED', reason: 'leaked on a forum', actor: { email: 'admin@example.com' } }));
  });

  it('rejects with the API’s error when a void is refused, and the coupon stays as it was', async () => {
    const wrapper = withMockedApi([
      { request: { query: CouponDetailQuery, variables: { code: CODE } }, result: { data: { coupon: coupon('REDEEMED') } } },
      { request: timelineRequest, result: timeline([]) },
      {
        request: { query: VoidCouponMutation, variables: { code: CODE, reason: 'x' } },
        result: { errors: [{ message: 'A redeemed coupon cannot be voided', extensions: { code: 'INVALID_STATE' } }] },
      },
    ]);
    const { result } = renderHook(() => useCoupon(CODE, { live: false }), { wrapper });
    await waitFor(() => expect(result.current.coupon?.state).toBe('REDEEMED'));
    await expect(result.current.voidCoupon('x')).rejects.toMatchObject({ errors: [{ extensions: { code: 'INVALID_STATE' } }] });
    expect(result.current.coupon?.state).toBe('REDEEMED');
  });
});
