'use client';

import { useQuery } from '@apollo/client/react';
import { graphql } from '@/gql';

export const USERS_SHOWN = 50;

const AdminUsersQuery = graphql(`
  query AdminUsers($emailContains: String, $first: Int) {
    users(emailContains: $emailContains, first: $first) {
      totalCount
      pageInfo {
        hasNextPage
      }
      edges {
        node {
          ...UserTableRow
        }
      }
    }
  }
`);

const UserCouponsQuery = graphql(`
  query UserCoupons($email: String!, $first: Int) {
    userByEmail(email: $email) {
      id
      email
      role
      createdAt
      coupons(first: $first) {
        totalCount
        edges {
          node {
            ...UserCouponRow
          }
        }
      }
    }
  }
`);

/** Users whose email contains `search` (the first fifty: a search narrows it down). */
export function useUsers(search: string) {
  const { data, previousData, loading, error, refetch } = useQuery(AdminUsersQuery, { variables: { emailContains: search || null, first: USERS_SHOWN } });
  // The previous answer stays on screen while the next search runs.
  const users = (data ?? previousData)?.users;
  return {
    users: users?.edges.map((e) => e.node),
    totalCount: users?.totalCount,
    hasMore: users?.pageInfo.hasNextPage ?? false,
    loading,
    error,
    refetch: () => void refetch(),
  };
}

/** One user by email with their coupons (the first hundred); `user` is null when there is none. */
export function useUserCoupons(email: string) {
  const { data, loading, error, refetch } = useQuery(UserCouponsQuery, { variables: { email, first: 100 } });
  const user = data?.userByEmail ?? null;
  return {
    user,
    coupons: user?.coupons.edges.map((e) => e.node),
    loaded: data !== undefined,
    loading,
    error,
    refetch: () => void refetch(),
  };
}
