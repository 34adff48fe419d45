import type { Metadata } from 'next';
import { LiveDashboard } from '@/features/live/live-dashboard';

export const metadata: Metadata = { title: 'Live' };

export default function LivePage() {
  return <LiveDashboard />;
}
