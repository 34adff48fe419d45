import { upperCaseAscii } from '@coupons/rules';
import type { Metadata } from 'next';
import { CouponDetailPage } from '@/features/coupons/coupon-detail-page';

export const metadata: Metadata = { title: 'Coupon' };

export default async function CouponPage({ params }: { params: Promise<{ code: string }> }) {
  const { code } = await params;
  return <CouponDetailPage code={upperCaseAscii(decodeURIComponent(code))} />;
}
