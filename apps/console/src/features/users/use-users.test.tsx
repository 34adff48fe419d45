import { ApolloClient, InMemoryCache } from '@apollo/client';
import { ApolloProvider } from '@apollo/client/react';
import { MockLink } from '@apollo/client/testing';
import { act, renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { describe, expect, it } from 'vitest';
import { AdminUsersQuery, CustomerCouponsQuery, DisableUserMutation, USER_COUPONS_PAGE, USERS_PAGE, useUserAdmin, useUserCoupons, useUsers } from './use-users';

const user = (disabled: boolean) => ({
  __typename: 'User' as const,
  id: 'u-1',
  email: 'ann@example.com',
  externalId: null,
  role: 'USER' as const,
  disabled,
  createdAt: '2026-03-01T10:00:00.000Z',
});

const list = (users: ReturnType<typeof user>[]) => ({
  data: {
    users: {
      __typename: 'UserConnection' as const,
      totalCount: users.length,
      pageInfo: { __typename: 'PageInfo' as const, hasNextPage: false, endCursor: null },
      edges: users.map((node) => ({ __typename: 'UserEdge' as const, cursor: node.id, node })),
    },
  },
});

const listRequest = { query: AdminUsersQuery, variables: { search: 'ann', role: 'USER', disabled: false, first: USERS_PAGE, after: null } };

describe('useUsers and useUserAdmin', () => {
  it('filters by search, role and disabled; a disable shows at once and the list is read again', async () => {
    const client = new ApolloClient({
      link: new MockLink([
        { request: listRequest, result: list([user(false)]) },
        {
          request: { query: DisableUserMutation, variables: { userId: 'u-1' } },
          result: {
            data: {
              disableUser: { __typename: 'User', id: 'u-1', email: 'ann@example.com', externalId: null, role: 'USER', disabled: true, disabledAt: '2026-03-02T10:00:00.000Z' },
            },
          },
        },
        { request: listRequest, result: list([]) },
      ]),
      cache: new InMemoryCache(),
    });
    const wrapper = ({ children }: { children: ReactNode }) => <ApolloProvider client={client}>{children}</ApolloProvider>;
    const { result } = renderHook(() => ({ list: useUsers({ search: 'ann', role: 'USER', disabled: false }), admin: useUserAdmin('u-1') }), { wrapper });
    await waitFor(() => expect(result.current.list.nodes?.map((u) => u.email)).toEqual(['ann@example.com']));

    await act(async () => {
      await result.current.admin.disableUser();
    });
    // Disabled users leave a list of enabled ones.
    await waitFor(() => expect(result.current.list.nodes).toEqual([]));
  });
});

describe('useUserCoupons', () => {
  it("finds a shop's customer by externalId, with the first page of their coupons and admin fields", async () => {
    const customer = {
      __typename: 'User' as const,
      id: 'c-1',
      email: null,
      externalId: 'shop-42',
      role: 'USER' as const,
      createdAt: '2026-03-01T10:00:00.000Z',
      disabled: true,
      disabledAt: '2026-03-02T10:00:00.000Z',
      coupons: {
        __typename: 'CouponConnection' as const,
        totalCount: 1,
        pageInfo: { __typename: 'PageInfo' as const, hasNextPage: false, endCursor: 'cur-7' },
        edges: [
          {
            __typename: 'CouponEdge' as const,
            cursor: 'cur-7',
            node: {
              __typename: 'Coupon' as const,
              id: '7',
              code: 'SHOP-0007',
              state: 'ASSIGNED' as const,
              lockExpiresAt: null,
              redemptionCount: 0,
              assignedAt: '2026-03-01T11:00:00.000Z',
              updatedAt: '2026-03-01T11:00:00.000Z',
              bookId: 'b-1',
            },
          },
        ],
      },
    };
    const client = new ApolloClient({
      link: new MockLink([
        { request: { query: CustomerCouponsQuery, variables: { externalId: 'shop-42', first: USER_COUPONS_PAGE, after: null } }, result: { data: { userByExternalId: customer } } },
      ]),
      cache: new InMemoryCache(),
    });
    const wrapper = ({ children }: { children: ReactNode }) => <ApolloProvider client={client}>{children}</ApolloProvider>;
    const { result } = renderHook(() => useUserCoupons({ externalId: 'shop-42' }), { wrapper });
    await waitFor(() => expect(result.current.loaded).toBe(true));
    expect(result.current.user).toMatchObject({ id: 'c-1', email: null, externalId: 'shop-42', disabled: true });
    expect(result.current.coupons.nodes?.map((c) => c.code)).toEqual(['SHOP-0007']);
    expect(result.current.coupons.totalCount).toBe(1);
    expect(result.current.coupons.hasMore).toBe(false);
  });
});
