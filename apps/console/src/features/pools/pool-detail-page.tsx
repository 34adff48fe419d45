'use client';

import Link from 'next/link';
import { EmptyState, ErrorState, LoadingState } from '@/components/feedback/states';
import { DistributionPanel } from './distribution-panel';
import { PoolMembers } from './pool-members';
import { usePool } from './use-pool';

export function PoolDetailPage({ poolId }: { poolId: string }) {
  const { pool, members, loaded, loading, error, refetch } = usePool(poolId);
  if (loading && !loaded) return <LoadingState label="Loading the pool…" />;
  if (error && !loaded) return <ErrorState error={error} onRetry={refetch} />;
  if (!pool)
    return (
      <EmptyState title="This pool does not exist">
        <Link href="/pools">Back to pools</Link>
      </EmptyState>
    );

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
