'use client';

import Link from 'next/link';
import { StateBadge } from '@/components/coupons/state-badge';
import { Breadcrumb } from '@/components/page/breadcrumb';
import { RecordPage } from '@/components/page/record-page';
import { graphql } from '@/gql';
import type { CouponDetailFieldsFragment } from '@/gql/graphql';
import { formatCount, formatDateTime } from '@/lib/format/format';
import { CouponActions } from './coupon-actions';
import { CouponOverridesForm } from './coupon-overrides-form';
import { CouponTimeline } from './coupon-timeline';
import { useCoupon } from './use-coupon';
import { PageHeader } from '@/components/page/page-header';

/** What the coupon page shows of the coupon itself (its history is read apart, page by page). */
export const CouponDetailFields = graphql(`
  fragment CouponDetailFields on Coupon {
    id
    code
    state
    assignedAt
    lockExpiresAt
    redemptionCount
    createdAt
    updatedAt
    bookId
    book {
      id
      name
    }
    user {
      id
      email
      externalId
    }
  }
`);

/** One coupon by code: state, owner, history, and the admin's controls. */
export function CouponDetailPage({ code }: { code: string }) {
  const { coupon, timeline, voidCoupon, unassignCoupon, unlockCoupon, updateCoupon, busy, updating, ...query } = useCoupon(code);
  return (
    <RecordPage query={{ record: coupon, ...query }} noun="coupon" back={{ href: '/books', label: 'Back to books' }}>
      {(coupon) => (
        <div className="stack">
          <Breadcrumb
            trail={[
              { href: '/books', label: 'Books' },
              ...(coupon.book ? [{ href: `/books/${coupon.book.id}`, label: coupon.book.name }] : []),
            ]}
            current={coupon.code}
          />
          <PageHeader title={<><span className="mono">{coupon.code}</span> <StateBadge state={coupon.state} /></>}>
            <div className="page-header__actions">
              <CouponActions
                code={coupon.code}
                state={coupon.state}
                busy={busy}
                voidCoupon={voidCoupon}
                unassignCoupon={unassignCoupon}
                unlockCoupon={unlockCoupon}
              />
            </div>
          </PageHeader>
          <CouponFacts coupon={coupon} />
          <div className="grid grid--2">
            <CouponTimeline timeline={timeline} />
            {coupon.state === 'VOID' ? null : <CouponOverridesForm saving={updating} onSave={updateCoupon} />}
          </div>
        </div>
      )}
    </RecordPage>
  );
}

function CouponFacts({ coupon }: { coupon: CouponDetailFieldsFragment }) {
  const owner = coupon.user ? (coupon.user.email ?? `Customer ${coupon.user.externalId ?? coupon.user.id}`) : null;
  return (
    <dl className="facts">
      <div>
        <dt>Book</dt>
        <dd>{coupon.book ? <Link href={`/books/${coupon.book.id}`}>{coupon.book.name}</Link> : '—'}</dd>
      </div>
      <div>
        <dt>Owner</dt>
        <dd>{owner && coupon.user?.email ? <Link href={`/users?email=${encodeURIComponent(coupon.user.email)}`}>{owner}</Link> : (owner ?? 'Nobody')}</dd>
      </div>
      <div>
        <dt>Assigned</dt>
        <dd>{formatDateTime(coupon.assignedAt)}</dd>
      </div>
      <div>
        <dt>Redemptions</dt>
        <dd>{formatCount(coupon.redemptionCount)}</dd>
      </div>
      <div>
        <dt>Created</dt>
        <dd>{formatDateTime(coupon.createdAt)}</dd>
      </div>
    </dl>
  );
}
