'use client';

import { useQuery } from '@apollo/client/react';
import Link from 'next/link';
import { EmptyState, ErrorState, LoadingState } from '@/components/feedback/states';
import { DistributionPanel } from './distribution-panel';
import { PoolMembers } from './pool-members';
import { PoolDetailQuery } from './pools.documents';

const MEMBERS_SHOWN = 100;

export function PoolDetailPage({ poolId }: { poolId: string }) {
  const { data, loading, error, refetch } = useQuery(PoolDetailQuery, { variables: { id: poolId, first: MEMBERS_SHOWN } });
  if (loading && !data) return <LoadingState label="Loading the pool…" />;
  if (error && !data) return <ErrorState error={error} onRetry={() => void refetch()} />;
  const pool = data?.pool;
  if (!pool)
    return (
      <EmptyState title="This pool does not exist">
        <Link href="/pools">Back to pools</Link>
      </EmptyState>
    );
  const members = pool.members.edges.map((e) => e.node);

  return (
    <div className="stack">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link href="/pools">Pools</Link> <span aria-hidden="true">/</span> <span aria-current="page">{pool.name}</span>
      </nav>
      <div className="page-header">
        <div>
          <h1>{pool.name}</h1>
          {pool.description ? <p className="page-header__lead">{pool.description}</p> : null}
        </div>
      </div>
      <div className="grid grid--2">
        <PoolMembers poolId={pool.id} members={members} totalCount={pool.members.totalCount} />
        <DistributionPanel poolId={pool.id} memberCount={pool.memberCount} />
      </div>
    </div>
  );
}
