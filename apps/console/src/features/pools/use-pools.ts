'use client';

import { graphql } from '@/gql';
import { useMutationAction } from '@/lib/apollo/use-mutation-action';
import { usePagedQuery } from '@/lib/apollo/use-paged-query';

/** Pools per page unless the URL asks for another size. */
export const POOLS_PAGE = 20;

export const PoolsQuery = graphql(`
  query Pools($first: Int, $after: String) {
    pools(first: $first, after: $after) {
      totalCount
      pageInfo {
        ...NextPage
      }
      edges {
        cursor
        node {
          ...PoolTableRow
        }
      }
    }
  }
`);

export const CreatePoolMutation = graphql(`
  mutation CreatePool($name: String!, $description: String) {
    createPool(name: $name, description: $description) {
      ...PoolTableRow
    }
  }
`);

/** The pools, newest first, a page at a time (`start`: the cursor the page starts after). */
export function usePools({ pageSize = POOLS_PAGE, start = null }: { pageSize?: number; start?: string | null } = {}) {
  return usePagedQuery(PoolsQuery, { variables: {}, pageSize, start, connection: (data) => data.pools });
}

/** Creates a pool; resolves to it (the list of pools is read again). */
export function useCreatePool() {
  const { run, loading } = useMutationAction(CreatePoolMutation, (data) => data.createPool, { refetchQueries: [PoolsQuery] });
  return { createPool: (name: string, description: string | null) => run({ name, description }), loading };
}
