'use client';

import { useMutation } from '@apollo/client/react';
import { graphql } from '@/gql';
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

const CreatePoolMutation = graphql(`
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
  const [create, { loading }] = useMutation(CreatePoolMutation, { refetchQueries: [PoolsQuery] });
  const createPool = async (name: string, description: string | null) => {
    const { data } = await create({ variables: { name, description } });
    return data?.createPool ?? null;
  };
  return { createPool, loading };
}
