'use client';

import { LockCountdown } from '@/components/coupons/lock-countdown';
import { StateBadge } from '@/components/coupons/state-badge';
import { formatDateTime, formatDiscount } from '@/lib/format/format';
import type { MyCouponFragment } from '@/gql/graphql';
import { useBookSummary } from '../books/book-summary';

export type CouponAction = 'lock' | 'unlock' | 'redeem';

interface CouponCardProps {
  coupon: MyCouponFragment;
  busy: CouponAction | null;
  onAction(action: CouponAction): void;
}

/** One of my coupons, with the actions its state allows. */
export function CouponCard({ coupon, busy, onAction }: CouponCardProps) {
  const book = useBookSummary(coupon.bookId);
  const locked = coupon.state === 'LOCKED';
  const titleId = `coupon-${coupon.id}`;
  return (
    <li className={`coupon coupon--${coupon.state.toLowerCase()}`} aria-labelledby={titleId} data-code={coupon.code} data-state={coupon.state}>
      <div className="coupon__main">
        <p className="coupon__discount">{book ? formatDiscount(book.discountType, book.discountValue) : '\u00a0'}</p>
        <h3 className="coupon__code mono" id={titleId}>
          {coupon.code}
        </h3>
        <p className="coupon__book">{book?.name ?? '…'}</p>
      </div>
      <div className="coupon__side">
        <StateBadge state={coupon.state} />
        {locked && coupon.lockExpiresAt ? <LockCountdown lockExpiresAt={coupon.lockExpiresAt} /> : null}
        {book?.validUntil && coupon.state !== 'REDEEMED' ? <p className="coupon__meta">Valid until {formatDateTime(book.validUntil)}</p> : null}
        <div className="coupon__actions">
          {coupon.state === 'ASSIGNED' ? (
            <button type="button" className="btn btn--primary" disabled={busy !== null} onClick={() => onAction('lock')} aria-label={`Lock ${coupon.code} for checkout`}>
              {busy === 'lock' ? 'Locking…' : 'Lock for checkout'}
            </button>
          ) : null}
          {locked ? (
            <>
              <button type="button" className="btn btn--primary" disabled={busy !== null} onClick={() => onAction('redeem')} aria-label={`Redeem ${coupon.code}`}>
                {busy === 'redeem' ? 'Redeeming…' : 'Redeem'}
              </button>
              <button type="button" className="btn btn--ghost" disabled={busy !== null} onClick={() => onAction('unlock')} aria-label={`Unlock ${coupon.code}`}>
                {busy === 'unlock' ? 'Unlocking…' : 'Unlock'}
              </button>
            </>
          ) : null}
          {coupon.state === 'REDEEMED' ? <p className="coupon__meta">Used {coupon.redemptionCount > 1 ? `${coupon.redemptionCount} times` : ''}</p> : null}
        </div>
      </div>
    </li>
  );
}
