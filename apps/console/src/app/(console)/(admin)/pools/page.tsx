import type { Metadata } from 'next';
import { PoolList } from '@/features/pools/pool-list';

export const metadata: Metadata = { title: 'Pools' };

export default function PoolsPage() {
  return <PoolList />;
}
