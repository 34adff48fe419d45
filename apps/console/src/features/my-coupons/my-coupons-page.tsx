'use client';

import { useMutation, useQuery, useSubscription } from '@apollo/client/react';
import { useMemo, useRef, useState } from 'react';
import { LiveIndicator } from '@/components/feedback/live-indicator';
import { EmptyState, ErrorState, LoadingState } from '@/components/feedback/states';
import { useToast } from '@/components/toast/toast-provider';
import { noteServerTime } from '@/lib/clock/server-clock';
import { useCoalescedCallback } from '@/lib/hooks/use-coalesced-callback';
import { newIdempotencyKey } from '@/lib/ids/idempotency-key';
import type { MyCouponFragment } from '@/gql/graphql';
import { ClaimPanel } from './claim-panel';
import { type CouponAction, CouponCard } from './coupon-card';
import { LockCouponMutation, MyCouponEventsSubscription, MyCouponsQuery, RedeemCouponMutation, UnlockCouponMutation } from './my-coupons.documents';

const ORDER: Record<string, number> = { LOCKED: 0, ASSIGNED: 1, REDEEMED: 2, UNASSIGNED: 3 };

/**
 * The user's coupons, kept current by `couponEvents`: a lock, an expiry or a redemption made in
 * another tab or by a distribution shows up here without a reload.
 */
export function MyCouponsPage() {
  const toast = useToast();
  const { data, loading, error, refetch } = useQuery(MyCouponsQuery, { variables: { first: 100 } });
  const [lock] = useMutation(LockCouponMutation);
  const [unlock] = useMutation(UnlockCouponMutation);
  const [redeem] = useMutation(RedeemCouponMutation);
  const [busy, setBusy] = useState<{ code: string; action: CouponAction } | null>(null);

  const knownIds = useRef(new Set<string>());
  knownIds.current = new Set(data?.myCoupons.edges.map((e) => e.node.id) ?? []);
  const refetchSoon = useCoalescedCallback(() => void refetch(), 300);
  useSubscription(MyCouponEventsSubscription, {
    onData: ({ data: result }) => {
      const event = result.data?.couponEvents;
      if (!event) return;
      noteServerTime(event.serverTime);
      // Known coupons update in place (normalised cache); a new one (a distribution) needs the list.
      if (!event.coupon || !knownIds.current.has(event.coupon.id)) refetchSoon();
    },
  });

  const coupons = useMemo(
    () =>
      [...(data?.myCoupons.edges.map((e) => e.node) ?? [])].sort(
        (a, b) => (ORDER[a.state] ?? 9) - (ORDER[b.state] ?? 9) || Date.parse(b.assignedAt ?? '') - Date.parse(a.assignedAt ?? ''),
      ),
    [data],
  );

  async function act(coupon: MyCouponFragment, action: CouponAction) {
    setBusy({ code: coupon.code, action });
    try {
      if (action === 'lock') {
        await lock({ variables: { code: coupon.code, idempotencyKey: newIdempotencyKey() } });
        toast.success(`${coupon.code} is reserved for your checkout.`, 'Locked');
      } else if (action === 'unlock') {
        await unlock({ variables: { code: coupon.code } });
        toast.success(`${coupon.code} is free again.`, 'Unlocked');
      } else {
        await redeem({ variables: { code: coupon.code, idempotencyKey: newIdempotencyKey() } });
        toast.success(`${coupon.code} has been redeemed.`, 'Redeemed');
      }
    } catch (failure) {
      toast.error(failure, `Could not ${action} ${coupon.code}`);
      // The screen was stale (another tab, an expiry): show the truth.
      void refetch();
    } finally {
      setBusy(null);
    }
  }

  const active = coupons.filter((c) => c.state !== 'REDEEMED');
  const used = coupons.filter((c) => c.state === 'REDEEMED');

  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <h1>My coupons</h1>
          <p className="page-header__lead">Lock a coupon while you check out, then redeem it.</p>
        </div>
        <LiveIndicator />
      </div>
      <div className="grid grid--sidebar">
        <div className="stack">
          {error && !data ? <ErrorState error={error} onRetry={() => void refetch()} /> : null}
          {loading && !data ? <LoadingState label="Loading your coupons…" /> : null}
          {data && coupons.length === 0 ? <EmptyState title="You have no coupons yet">Claim one from a book, or wait for one to be sent to you.</EmptyState> : null}
          {active.length > 0 ? (
            <section aria-labelledby="active-title">
              <h2 id="active-title">Ready to use</h2>
              <ul className="coupons">
                {active.map((coupon) => (
                  <CouponCard key={coupon.id} coupon={coupon} busy={busy?.code === coupon.code ? busy.action : null} onAction={(a) => void act(coupon, a)} />
                ))}
              </ul>
            </section>
          ) : null}
          {used.length > 0 ? (
            <section aria-labelledby="used-title">
              <h2 id="used-title">Used</h2>
              <ul className="coupons">
                {used.map((coupon) => (
                  <CouponCard key={coupon.id} coupon={coupon} busy={null} onAction={() => undefined} />
                ))}
              </ul>
            </section>
          ) : null}
        </div>
        <ClaimPanel />
      </div>
    </div>
  );
}
