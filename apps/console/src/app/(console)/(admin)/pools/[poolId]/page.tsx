import type { Metadata } from 'next';
import { PoolDetailPage } from '@/features/pools/pool-detail-page';

export const metadata: Metadata = { title: 'Pool' };

export default async function PoolPage({ params }: { params: Promise<{ poolId: string }> }) {
  const { poolId } = await params;
  return <PoolDetailPage poolId={poolId} />;
}
