'use client';

import { graphql } from '@/gql';
import type { CustomerAccountQuery as CustomerAccountData, Role, UserCouponsQuery as UserCouponsData } from '@/gql/graphql';
import { useMutationAction } from '@/lib/apollo/use-mutation-action';
import { usePagedQuery } from '@/lib/apollo/use-paged-query';

/** Users per page unless the URL asks for another size. */
export const USERS_PAGE = 20;

export const AdminUsersQuery = graphql(`
  query AdminUsers($search: String, $role: Role, $disabled: Boolean, $first: Int, $after: String) {
    users(search: $search, role: $role, disabled: $disabled, first: $first, after: $after) {
      totalCount
      pageInfo {
        ...NextPage
      }
      edges {
        cursor
        node {
          ...UserTableRow
        }
      }
    }
  }
`);

/** What a user's panel shows of them: who they are and the admin controls (their coupons are paged beside it). */
export const UserAccount = graphql(`
  fragment UserAccount on User {
    id
    email
    externalId
    role
    createdAt
    ...UserAdminFields
  }
`);

/** A user with a page of their coupons (the account's fields come with every page); the query names `$first` and `$after`. */
export const UserWithCoupons = graphql(`
  fragment UserWithCoupons on User {
    ...UserAccount
    coupons(first: $first, after: $after) {
      totalCount
      pageInfo {
        ...NextPage
      }
      edges {
        cursor
        node {
          ...UserCouponRow
        }
      }
    }
  }
`);

/** A person by email with a page of their coupons. */
export const UserCouponsQuery = graphql(`
  query UserCoupons($email: String!, $first: Int, $after: String) {
    userByEmail(email: $email) {
      ...UserWithCoupons
    }
  }
`);

/** A shop's customer by externalId with a page of their coupons. */
export const CustomerCouponsQuery = graphql(`
  query CustomerAccount($externalId: String!, $first: Int, $after: String) {
    userByExternalId(externalId: $externalId) {
      ...UserWithCoupons
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

/** Users matching the filter, a page at a time (`start`: the cursor the page starts after). */
export function useUsers({ search, role, disabled }: UserFilter, { pageSize = USERS_PAGE, start = null }: { pageSize?: number; start?: string | null } = {}) {
  return usePagedQuery(AdminUsersQuery, {
    variables: { search: search || null, role, disabled },
    pageSize,
    start,
    connection: (data) => data.users,
  });
}

/** Whom the page shows: a person by email, or a shop's customer by the shop's id of them. */
export type UserSelection = { email: string } | { externalId: string };

/** A user's coupons per page unless the URL asks for another size. */
export const USER_COUPONS_PAGE = 20;

/**
 * One user and a page of their coupons: a person by email, or a shop's customer by externalId (the
 * same fields either way); `user` is null when there is none. `start`: the cursor the page starts
 * after (from the URL).
 */
export function useUserCoupons(selection: UserSelection, { pageSize = USER_COUPONS_PAGE, start = null }: { pageSize?: number; start?: string | null } = {}) {
  const byEmail = 'email' in selection;
  const person = usePagedQuery(UserCouponsQuery, {
    variables: { email: byEmail ? selection.email : '' },
    pageSize,
    start,
    connection: (data) => data.userByEmail?.coupons,
    skip: !byEmail,
  });
  const customer = usePagedQuery(CustomerCouponsQuery, {
    variables: { externalId: byEmail ? '' : selection.externalId },
    pageSize,
    start,
    connection: (data) => data.userByExternalId?.coupons,
    skip: byEmail,
  });
  const coupons = byEmail ? person : customer;
  const user =
    (byEmail ? (person.firstPage as UserCouponsData | undefined)?.userByEmail : (customer.firstPage as CustomerAccountData | undefined)?.userByExternalId) ?? null;
  return { user, coupons, loaded: coupons.firstPage !== undefined, loading: coupons.loading, error: coupons.error, refetch: () => void coupons.refetch() };
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
  const setRole = useMutationAction(SetUserRoleMutation, (data) => data.setUserRole, options);
  const disable = useMutationAction(DisableUserMutation, (data) => data.disableUser, options);
  const enable = useMutationAction(EnableUserMutation, (data) => data.enableUser, options);
  const erase = useMutationAction(EraseUserMutation, (data) => data.eraseUser, options);
  return {
    setUserRole: async (role: Role) => {
      await setRole.run({ userId, role });
    },
    disableUser: async () => {
      await disable.run({ userId });
    },
    enableUser: async () => {
      await enable.run({ userId });
    },
    eraseUser: async () => {
      await erase.run({ userId });
    },
    busy: setRole.loading || disable.loading || enable.loading || erase.loading,
  };
}
