'use client';

import { useMutation, useQuery } from '@apollo/client/react';
import { graphql } from '@/gql';
import { PoolsQuery } from './use-pools';

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
  const [add, { loading: adding }] = useMutation(AddPoolMembersMutation, refetch);
  const [remove] = useMutation(RemovePoolMembersMutation, refetch);
  /** Resolves to the emails that match no user. */
  const addMembers = async (members: { emails?: string[]; userIds?: string[] }) => {
    const { data } = await add({ variables: { poolId, ...members } });
    return data?.addPoolMembers.unknownEmails ?? [];
  };
  const removeMember = async (userId: string) => {
    await remove({ variables: { poolId, userIds: [userId] } });
  };
  return { addMembers, removeMember, adding };
}

/** Users whose email contains `search` (two characters at least), for adding one by one. */
export function useUserSuggestions(search: string) {
  const skip = search.length < 2;
  const { data, loading } = useQuery(UserSuggestionsQuery, { variables: { emailContains: search, first: 8 }, skip });
  return { users: skip ? [] : (data?.users.edges.map((e) => e.node) ?? []), searching: !skip && loading, active: !skip };
}

const UpdatePoolMutation = graphql(`
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
  const [update, updating] = useMutation(UpdatePoolMutation, { refetchQueries: [PoolsQuery] });
  const [remove, deleting] = useMutation(DeletePoolMutation, {
    refetchQueries: [PoolsQuery],
    update(cache) {
      cache.evict({ id: cache.identify({ __typename: 'Pool', id: poolId }) });
      cache.gc();
    },
  });
  return {
    updatePool: async (input: { name: string; description: string | null }) => {
      await update({ variables: { id: poolId, input } });
    },
    deletePool: async () => {
      await remove({ variables: { id: poolId } });
    },
    saving: updating.loading,
    deleting: deleting.loading,
  };
}
