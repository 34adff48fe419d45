'use client';

import { useMutation, useQuery } from '@apollo/client/react';
import { graphql } from '@/gql';

export const PoolsQuery = graphql(`
  query Pools($first: Int) {
    pools(first: $first) {
      totalCount
      pageInfo {
        hasNextPage
      }
      edges {
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

const SHOWN = 100;

/** The pools (the first hundred: pools are few). */
export function usePools() {
  const { data, loading, error, refetch } = useQuery(PoolsQuery, { variables: { first: SHOWN } });
  return { pools: data?.pools.edges.map((e) => e.node), totalCount: data?.pools.totalCount, loading, error, refetch: () => void refetch() };
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
