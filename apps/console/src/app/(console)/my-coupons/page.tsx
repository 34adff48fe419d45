import type { Metadata } from 'next';
import { MyCouponsPage } from '@/features/my-coupons/my-coupons-page';

export const metadata: Metadata = { title: 'My coupons' };

export default function Page() {
  return <MyCouponsPage />;
}
