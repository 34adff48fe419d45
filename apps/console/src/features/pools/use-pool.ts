'use client';

import { useQuery } from '@apollo/client/react';
import { graphql } from '@/gql';
import { PoolsQuery } from './use-pools';

import { useMutationAction } from '@/lib/apollo/use-mutation-action';
import { usePagedQuery } from '@/lib/apollo/use-paged-query';

/** Members per page unless the URL asks for another size. */
export const MEMBERS_PAGE = 20;

const PoolDetailQuery = graphql(`
  query PoolDetail($id: ID!) {
    pool(id: $id) {
      id
      name
      description
      memberCount
    }
  }
`);

export const PoolMembersQuery = graphql(`
  query PoolMembers($id: ID!, $first: Int, $after: String) {
    pool(id: $id) {
      id
      members(first: $first, after: $after) {
        totalCount
        pageInfo {
          ...NextPage
        }
        edges {
          cursor
          node {
            ...PoolMemberRow
          }
        }
      }
    }
  }
`);

const AddPoolMembersMutation = graphql(`
  mutation AddPoolMembers($poolId: ID!, $emails: [String!], $userIds: [ID!]) {
    addPoolMembers(poolId: $poolId, emails: $emails, userIds: $userIds) {
      id
      memberCount
      unknownEmails
    }
  }
`);

const RemovePoolMembersMutation = graphql(`
  mutation RemovePoolMembers($poolId: ID!, $userIds: [ID!]!) {
    removePoolMembers(poolId: $poolId, userIds: $userIds) {
      id
      memberCount
    }
  }
`);

const UserSuggestionsQuery = graphql(`
  query UserSuggestions($emailContains: String, $first: Int) {
    users(emailContains: $emailContains, first: $first) {
      edges {
        node {
          ...PoolMemberRow
        }
      }
    }
  }
`);

/** A pool (name, description, member count); `pool` is null when there is no such pool. */
export function usePool(poolId: string) {
  const { data, loading, error, refetch } = useQuery(PoolDetailQuery, { variables: { id: poolId } });
  const pool = data?.pool ?? null;
  return {
    pool,
    loaded: data !== undefined,
    loading,
    error,
    refetch: () => void refetch(),
  };
}

/** A pool's members in the order they were added, a page at a time (`start`: the cursor the page starts after). */
export function usePoolMembers(poolId: string, { pageSize = MEMBERS_PAGE, start = null }: { pageSize?: number; start?: string | null } = {}) {
  return usePagedQuery(PoolMembersQuery, { variables: { id: poolId }, pageSize, start, connection: (data) => data.pool?.members });
}

/** Adds (by email or id) and removes members; the pool and its members are read again before they resolve. */
export function usePoolMembership(poolId: string) {
  const refetch = { refetchQueries: [PoolDetailQuery, PoolMembersQuery], awaitRefetchQueries: true };
  const add = useMutationAction(AddPoolMembersMutation, (data) => data.addPoolMembers.unknownEmails, refetch);
  const remove = useMutationAction(RemovePoolMembersMutation, (data) => data.removePoolMembers, refetch);
  /** Resolves to the emails that match no user. */
  const addMembers = async (members: { emails?: string[]; userIds?: string[] }) => (await add.run({ poolId, ...members })) ?? [];
  const removeMember = async (userId: string) => {
    await remove.run({ poolId, userIds: [userId] });
  };
  return { addMembers, removeMember, adding: add.loading };
}

/** Users whose email contains `search` (two characters at least), for adding one by one. */
export function useUserSuggestions(search: string) {
  const skip = search.length < 2;
  const { data, loading } = useQuery(UserSuggestionsQuery, { variables: { emailContains: search, first: 8 }, skip });
  return { users: skip ? [] : (data?.users.edges.map((e) => e.node) ?? []), searching: !skip && loading, active: !skip };
}

export const UpdatePoolMutation = graphql(`
  mutation UpdatePool($id: ID!, $input: UpdatePoolInput!) {
    updatePool(id: $id, input: $input) {
      id
      name
      description
    }
  }
`);

const DeletePoolMutation = graphql(`
  mutation DeletePool($id: ID!) {
    deletePool(id: $id)
  }
`);

/** Renames (name, description) and deletes a pool; each rejects with the API's error. */
export function usePoolSettings(poolId: string) {
  const update = useMutationAction(UpdatePoolMutation, (data) => data.updatePool, { refetchQueries: [PoolsQuery] });
  const remove = useMutationAction(DeletePoolMutation, (data) => data.deletePool, {
    refetchQueries: [PoolsQuery],
    update(cache) {
      cache.evict({ id: cache.identify({ __typename: 'Pool', id: poolId }) });
      cache.gc();
    },
  });
  return {
    /** Only the fields given change (another admin's change to the others stays). */
    updatePool: async (input: { name?: string; description?: string | null }) => {
      await update.run({ id: poolId, input });
    },
    deletePool: async () => {
      await remove.run({ id: poolId });
    },
    saving: update.loading,
    deleting: remove.loading,
  };
}
