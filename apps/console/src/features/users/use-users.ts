'use client';

import { useMutation, useQuery } from '@apollo/client/react';
import { graphql } from '@/gql';
import type { Role } from '@/gql/graphql';

export const USERS_SHOWN = 50;

export const AdminUsersQuery = graphql(`
  query AdminUsers($search: String, $role: Role, $disabled: Boolean, $first: Int) {
    users(search: $search, role: $role, disabled: $disabled, first: $first) {
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

export const UserCouponsQuery = graphql(`
  query UserCoupons($email: String!, $first: Int) {
    userByEmail(email: $email) {
      id
      email
      role
      createdAt
      ...UserAdminFields
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

export const CustomerCouponsQuery = graphql(`
  query CustomerAccount($externalId: String!, $first: Int) {
    userByExternalId(externalId: $externalId) {
      id
      externalId
      role
      createdAt
      ...UserAdminFields
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

export interface UserFilter {
  /** A part of the email (or of a shop customer's id). */
  search: string;
  role: Role | null;
  /** true: disabled ones only; false: enabled ones only; null: both. */
  disabled: boolean | null;
}

/** Users matching the filter (the first fifty: a search narrows it down). */
export function useUsers({ search, role, disabled }: UserFilter) {
  const { data, previousData, loading, error, refetch } = useQuery(AdminUsersQuery, { variables: { search: search || null, role, disabled, first: USERS_SHOWN } });
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

/** Whom the page shows: a person by email, or a shop's customer by the shop's id of them. */
export type UserSelection = { email: string } | { externalId: string };

/**
 * One user with their coupons (the first hundred): a person by email, or a shop's customer by
 * externalId; `user` is null when there is none.
 */
export function useUserCoupons(selection: UserSelection) {
  const byEmail = 'email' in selection;
  const person = useQuery(UserCouponsQuery, { variables: { email: byEmail ? selection.email : '', first: 100 }, skip: !byEmail });
  const customer = useQuery(CustomerCouponsQuery, { variables: { externalId: byEmail ? '' : selection.externalId, first: 100 }, skip: byEmail });
  const current = byEmail ? person : customer;
  const user = (byEmail ? person.data?.userByEmail : customer.data?.userByExternalId) ?? null;
  return {
    user,
    coupons: user?.coupons.edges.map((e) => e.node),
    loaded: current.data !== undefined,
    loading: current.loading,
    error: current.error,
    refetch: () => void current.refetch(),
  };
}

/** What the admin controls of a user show and change. */
export const UserAdminFields = graphql(`
  fragment UserAdminFields on User {
    id
    email
    externalId
    role
    disabled
    disabledAt
  }
`);

export const SetUserRoleMutation = graphql(`
  mutation SetUserRole($userId: ID!, $role: Role!) {
    setUserRole(userId: $userId, role: $role) {
      ...UserAdminFields
    }
  }
`);

export const DisableUserMutation = graphql(`
  mutation DisableUser($userId: ID!) {
    disableUser(userId: $userId) {
      ...UserAdminFields
    }
  }
`);

export const EnableUserMutation = graphql(`
  mutation EnableUser($userId: ID!) {
    enableUser(userId: $userId) {
      ...UserAdminFields
    }
  }
`);

export const EraseUserMutation = graphql(`
  mutation EraseUser($userId: ID!) {
    eraseUser(userId: $userId)
  }
`);

/**
 * An admin's controls over one user: role (people only), disable / enable, erase. Each rejects with the API's
 * error (INVALID_STATE for the last admin's demotion, FORBIDDEN for yourself …); the users list is
 * read again after each, since it filters by role and by disabled.
 */
export function useUserAdmin(userId: string) {
  const options = { refetchQueries: [AdminUsersQuery] };
  const [setRole, settingRole] = useMutation(SetUserRoleMutation, options);
  const [disable, disabling] = useMutation(DisableUserMutation, options);
  const [enable, enabling] = useMutation(EnableUserMutation, options);
  const [erase, erasing] = useMutation(EraseUserMutation, options);
  return {
    setUserRole: async (role: Role) => {
      await setRole({ variables: { userId, role } });
    },
    disableUser: async () => {
      await disable({ variables: { userId } });
    },
    enableUser: async () => {
      await enable({ variables: { userId } });
    },
    eraseUser: async () => {
      await erase({ variables: { userId } });
    },
    busy: settingRole.loading || disabling.loading || enabling.loading || erasing.loading,
  };
}
