'use client';

import { useState } from 'react';
import { Button } from '@/components/controls/button';
import { LiveIndicator } from '@/components/feedback/live-indicator';
import { EmptyState, ErrorState, LoadingState } from '@/components/feedback/states';
import { useToast } from '@/components/toast/toast-provider';
import type { MyCouponFragment } from '@/gql/graphql';
import { ClaimPanel } from './claim-panel';
import { CouponCard, CouponCardList } from './coupon-card';
import { type CouponAction, useCouponActions, useMyCoupons } from './use-my-coupons';
import { PageHeader } from '@/components/page/page-header';
import { formatCount } from '@/lib/format/format';

const DONE: Record<CouponAction, { message: (code: string) => string; title: string }> = {
  lock: { message: (code) => `${code} is reserved for your checkout.`, title: 'Locked' },
  unlock: { message: (code) => `${code} is free again.`, title: 'Unlocked' },
  redeem: { message: (code) => `${code} has been redeemed.`, title: 'Redeemed' },
};

/** The user's coupons, live, with their lock / unlock / redeem actions, and the claim panel. */
export function MyCouponsPage() {
  const toast = useToast();
  const { coupons, totalCount, hasMore, loadMore, loadingMore, loading, error, refetch } = useMyCoupons();
  const runAction = useCouponActions();
  const [busy, setBusy] = useState<{ code: string; action: CouponAction } | null>(null);

  async function act(coupon: MyCouponFragment, action: CouponAction) {
    setBusy({ code: coupon.code, action });
    try {
      await runAction(action, coupon.code);
      toast.success(DONE[action].message(coupon.code), DONE[action].title);
    } catch (failure) {
      toast.error(failure, `Could not ${action} ${coupon.code}`);
      // The screen was stale (another tab, an expiry): show the truth.
      refetch();
    } finally {
      setBusy(null);
    }
  }

  const active = coupons?.filter((c) => c.state !== 'REDEEMED') ?? [];
  const used = coupons?.filter((c) => c.state === 'REDEEMED') ?? [];

  return (
    <div className="stack">
      <PageHeader title="My coupons" lead="Lock a coupon while you check out, then redeem it.">
        <LiveIndicator />
      </PageHeader>
      <div className="grid grid--sidebar">
        <div className="stack">
          {error && !coupons ? <ErrorState error={error} onRetry={refetch} /> : null}
          {loading && !coupons ? <LoadingState label="Loading your coupons…" /> : null}
          {coupons && coupons.length === 0 ? <EmptyState title="You have no coupons yet">Claim one from a book, or wait for one to be sent to you.</EmptyState> : null}
          {active.length > 0 ? (
            <section aria-labelledby="active-title">
              <h2 id="active-title">Ready to use</h2>
              <CouponCardList>
                {active.map((coupon) => (
                  <CouponCard key={coupon.id} coupon={coupon} busy={busy?.code === coupon.code ? busy.action : null} onAction={(a) => void act(coupon, a)} />
                ))}
              </CouponCardList>
            </section>
          ) : null}
          {used.length > 0 ? (
            <section aria-labelledby="used-title">
              <h2 id="used-title">Used</h2>
              <CouponCardList>
                {used.map((coupon) => (
                  <CouponCard key={coupon.id} coupon={coupon} busy={null} onAction={() => undefined} />
                ))}
              </CouponCardList>
            </section>
          ) : null}
          {coupons && hasMore ? (
            <Button onClick={loadMore} disabled={loadingMore}>
              {loadingMore ? 'Loading more coupons…' : `Show more coupons (${formatCount(coupons.length)} of ${formatCount(totalCount)})`}
            </Button>
          ) : null}
        </div>
        <ClaimPanel />
      </div>
    </div>
  );
}
