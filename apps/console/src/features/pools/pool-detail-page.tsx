'use client';

import { Breadcrumb } from '@/components/page/breadcrumb';
import { RecordPage } from '@/components/page/record-page';
import { DistributionPanel } from './distribution-panel';
import { PoolMembers } from './pool-members';
import { PoolSettings } from './pool-settings';
import { usePool } from './use-pool';
import { PageHeader } from '@/components/page/page-header';

/**
 * One pool: its members (a page at a time) and distribution to them. The members and the
 * distribution panel (with its book picker) need only the pool's id, so they render, and start
 * their reads, while the pool itself loads: the page's requests run side by side (issue 17,
 * item 9). They are left out once the pool turns out not to exist or cannot be read.
 */
export function PoolDetailPage({ poolId }: { poolId: string }) {
  const { pool, ...query } = usePool(poolId);
  const missing = !pool && (query.loaded || Boolean(query.error)) && !query.loading;
  return (
    <div className="stack">
      <RecordPage query={{ record: pool, ...query }} noun="pool" back={{ href: '/pools', label: 'Back to pools' }}>
        {(pool) => (
          <>
            <Breadcrumb trail={[{ href: '/pools', label: 'Pools' }]} current={pool.name} />
            <PageHeader title={pool.name} lead={pool.description} />
          </>
        )}
      </RecordPage>
      {missing ? null : (
        <div className="grid grid--2">
          <PoolMembers poolId={poolId} />
          <DistributionPanel poolId={poolId} memberCount={pool?.memberCount} />
        </div>
      )}
      {pool ? <PoolSettings key={`${pool.name}|${pool.description ?? ''}`} pool={pool} /> : null}
    </div>
  );
}
