'use client';

import { Breadcrumb } from '@/components/page/breadcrumb';
import { RecordPage } from '@/components/page/record-page';
import { DistributionPanel } from './distribution-panel';
import { PoolMembers } from './pool-members';
import { PoolSettings } from './pool-settings';
import { usePool } from './use-pool';

export function PoolDetailPage({ poolId }: { poolId: string }) {
  const { pool, members, ...query } = usePool(poolId);
  return (
    <RecordPage query={{ record: pool, ...query }} noun="pool" back={{ href: '/pools', label: 'Back to pools' }}>
      {(pool) => (
        <div className="stack">
          <Breadcrumb trail={[{ href: '/pools', label: 'Pools' }]} current={pool.name} />
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
          <PoolSettings key={`${pool.name}|${pool.description ?? ''}`} pool={pool} />
        </div>
      )}
    </RecordPage>
  );
}
