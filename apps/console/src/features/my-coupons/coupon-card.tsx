'use client';

import type { ReactNode } from 'react';
import { Button } from '@/components/controls/button';
import { LockCountdown } from '@/components/coupons/lock-countdown';
import { StateBadge } from '@/components/coupons/state-badge';
import { graphql } from '@/gql';
import type { MyCouponFragment } from '@/gql/graphql';
import { formatDateTime, formatDiscount } from '@/lib/format/format';
import { useBookSummary } from '../books/use-book-summary';
import styles from './coupon-card.module.css';
import type { CouponAction } from './use-my-coupons';

/** What a coupon card shows (its book comes from the cache by `bookId`). */
export const MyCoupon = graphql(`
  fragment MyCoupon on Coupon {
    id
    code
    state
    # The cache keeps the copy with the later updatedAt (lib/apollo/cache.ts).
    updatedAt
    lockExpiresAt
    redemptionCount
    assignedAt
    bookId
  }
`);

interface CouponCardProps {
  coupon: MyCouponFragment;
  busy: CouponAction | null;
  onAction(action: CouponAction): void;
}

/** A list of coupon cards. */
export function CouponCardList({ children }: { children: ReactNode }) {
  return <ul className={styles.list}>{children}</ul>;
}

/** One of my coupons, with the actions its state allows. */
export function CouponCard({ coupon, busy, onAction }: CouponCardProps) {
  const book = useBookSummary(coupon.bookId);
  const locked = coupon.state === 'LOCKED';
  const titleId = `coupon-${coupon.id}`;
  // `coupon` stays as a plain class: a stable hook for end-to-end tests (li.coupon).
  return (
    <li className={`coupon ${styles.coupon}`} aria-labelledby={titleId} data-code={coupon.code} data-state={coupon.state}>
      <div>
        <p className={styles.discount}>{book ? formatDiscount(book.discountType, book.discountValue, book.currency) : '\u00a0'}</p>
        <h3 className={`${styles.code} mono`} id={titleId}>
          {coupon.code}
        </h3>
        <p className={styles.book}>{book?.name ?? '…'}</p>
      </div>
      <div className={styles.side}>
        <StateBadge state={coupon.state} />
        {locked && coupon.lockExpiresAt ? <LockCountdown lockExpiresAt={coupon.lockExpiresAt} /> : null}
        {book?.validUntil && coupon.state !== 'REDEEMED' ? <p className={styles.meta}>Valid until {formatDateTime(book.validUntil)}</p> : null}
        <div className={styles.actions}>
          {coupon.state === 'ASSIGNED' ? (
            <Button variant="primary" disabled={busy !== null} onClick={() => onAction('lock')} aria-label={`Lock for checkout: ${coupon.code}`}>
              {busy === 'lock' ? 'Locking…' : 'Lock for checkout'}
            </Button>
          ) : null}
          {locked ? (
            <>
              <Button variant="primary" disabled={busy !== null} onClick={() => onAction('redeem')} aria-label={`Redeem ${coupon.code}`}>
                {busy === 'redeem' ? 'Redeeming…' : 'Redeem'}
              </Button>
              <Button variant="ghost" disabled={busy !== null} onClick={() => onAction('unlock')} aria-label={`Unlock ${coupon.code}`}>
                {busy === 'unlock' ? 'Unlocking…' : 'Unlock'}
              </Button>
            </>
          ) : null}
          {coupon.state === 'REDEEMED' ? <p className={styles.meta}>Used {coupon.redemptionCount > 1 ? `${coupon.redemptionCount} times` : ''}</p> : null}
        </div>
      </div>
    </li>
  );
}
