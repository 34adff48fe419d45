'use client';

import { useApolloClient, useMutation } from '@apollo/client/react';
import { graphql } from '@/gql';
import type { DistributionMode, DistributionRemainder } from '@/gql/graphql';

const PreviewDistributionMutation = graphql(`
  mutation PreviewDistribution($poolId: ID!, $bookId: ID!, $mode: DistributionMode!, $count: Int!, $remainder: DistributionRemainder) {
    previewDistribution(poolId: $poolId, bookId: $bookId, mode: $mode, count: $count, remainder: $remainder) {
      ...DistributionPreviewFields
    }
  }
`);

const DistributeToPoolMutation = graphql(`
  mutation DistributeToPool(
    $poolId: ID!
    $bookId: ID!
    $mode: DistributionMode!
    $count: Int!
    $remainder: DistributionRemainder
    $seed: String
    $idempotencyKey: String
  ) {
    distributeToPool(
      poolId: $poolId
      bookId: $bookId
      mode: $mode
      count: $count
      remainder: $remainder
      seed: $seed
      idempotencyKey: $idempotencyKey
    ) {
      id
      mode
      requested
      assigned
      remainder
      createdAt
    }
  }
`);

export interface DistributionRequest {
  bookId: string;
  bookName: string;
  mode: DistributionMode;
  /** The total, in both modes. */
  count: number;
  /** EQUAL: where count mod members goes; null for RANDOM. */
  remainder: DistributionRemainder | null;
}

/** The per-member outcome of a distribution, with nothing changed yet. */
export function usePreviewDistribution(poolId: string) {
  const [preview, { loading }] = useMutation(PreviewDistributionMutation);
  const previewDistribution = async ({ bookId, mode, count, remainder }: DistributionRequest) => {
    const { data } = await preview({ variables: { poolId, bookId, mode, count, remainder } });
    return data?.previewDistribution ?? null;
  };
  return { previewDistribution, loading };
}

/**
 * Runs a previewed distribution (its `seed` replays the preview's choices); every live list is read
 * again. `idempotencyKey` is the preview's own (one per preview): Confirm again after a failure
 * (a timeout, SERVICE_UNAVAILABLE) sends the same key, so a first attempt that did commit answers
 * its distribution instead of handing the coupons out twice.
 */
export function useDistribute(poolId: string) {
  const client = useApolloClient();
  const [distribute, { loading }] = useMutation(DistributeToPoolMutation);
  const distributeToPool = async ({ bookId, mode, count, remainder }: DistributionRequest, seed: string, idempotencyKey: string) => {
    const { data } = await distribute({ variables: { poolId, bookId, mode, count, remainder, seed, idempotencyKey } });
    if (data) void client.refetchQueries({ include: 'active' });
    return data?.distributeToPool ?? null;
  };
  return { distributeToPool, loading };
}
