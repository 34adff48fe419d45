'use client';

import { useMutation, useQuery, useSubscription } from '@apollo/client/react';
import { type FormEvent, useState } from 'react';
import { EmptyState, ErrorState, LoadingState } from '@/components/feedback/states';
import { Field } from '@/components/forms/field';
import { useToast } from '@/components/toast/toast-provider';
import { formatCount, formatDateTime } from '@/lib/format/format';
import { useCoalescedCallback } from '@/lib/hooks/use-coalesced-callback';
import { BookRedemptionEventsSubscription, BookRedemptionsQuery, ReverseRedemptionMutation } from './book-detail.documents';

const SHOWN = 20;

/**
 * The book's latest redemptions, live, with the admin's reversal (a refund or a cancelled order
 * gives the use back; the redemption row stays, marked reversed, with its reason).
 */
export function RedemptionList({ bookId }: { bookId: string }) {
  const { data, loading, error, refetch } = useQuery(BookRedemptionsQuery, { variables: { bookId, first: SHOWN } });
  const refetchSoon = useCoalescedCallback(() => void refetch().catch(() => undefined), 300);
  useSubscription(BookRedemptionEventsSubscription, { variables: { bookId }, onData: () => refetchSoon() });
  const [reversing, setReversing] = useState<string | null>(null);
  const redemptions = data?.redemptions;

  return (
    <section className="card" aria-labelledby="redemptions-title">
      <div className="card__header">
        <h2 id="redemptions-title">Redemptions</h2>
        {redemptions ? <span className="pill">{formatCount(redemptions.totalCount)} in total</span> : null}
      </div>
      {error && !data ? <ErrorState error={error} onRetry={() => void refetch()} /> : null}
      {loading && !data ? <LoadingState label="Loading redemptions…" /> : null}
      {redemptions && redemptions.edges.length === 0 ? <EmptyState title="No redemptions yet" /> : null}
      {redemptions && redemptions.edges.length > 0 ? (
        <div className="table-wrap">
          <table className="table table--compact">
            <caption className="visually-hidden">Latest redemptions of this book</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Code</th>
                <th scope="col">User</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {redemptions.edges.map(({ node: r }) => (
                <tr key={r.id} data-redemption={r.id} data-coupon-code={r.coupon?.code}>
                  <td className="nowrap">{formatDateTime(r.redeemedAt)}</td>
                  <th scope="row" className="mono">
                    {r.coupon?.code ?? '—'}
                  </th>
                  <td>{r.user?.email ?? '—'}</td>
                  <td>{r.reversedAt ? <span title={r.reversalReason ?? undefined}>Reversed {formatDateTime(r.reversedAt)}</span> : 'Redeemed'}</td>
                  <td className="actions">
                    {r.reversedAt ? null : reversing === r.id ? null : (
                      <button type="button" className="btn btn--small btn--danger-ghost" onClick={() => setReversing(r.id)} aria-label={`Reverse the redemption of ${r.coupon?.code ?? r.id}`}>
                        Reverse
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {reversing ? (
        <ReverseForm
          redemptionId={reversing}
          code={redemptions?.edges.find((e) => e.node.id === reversing)?.node.coupon?.code ?? ''}
          onDone={() => {
            setReversing(null);
            refetchSoon();
          }}
        />
      ) : null}
    </section>
  );
}

function ReverseForm({ redemptionId, code, onDone }: { redemptionId: string; code: string; onDone(): void }) {
  const toast = useToast();
  const [reverse, { loading }] = useMutation(ReverseRedemptionMutation);
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!reason.trim()) {
      setReasonError('Say why (refund, cancelled order …): it is kept with the redemption.');
      return;
    }
    try {
      await reverse({ variables: { redemptionId, reason: reason.trim() } });
      toast.success(`The use of ${code} is given back.`, 'Redemption reversed');
      onDone();
    } catch (failure) {
      toast.error(failure, 'Could not reverse');
    }
  }

  return (
    <form className="form reverse-form" onSubmit={submit} noValidate aria-label={`Reverse the redemption of ${code}`}>
      <Field id="reverse-reason" label={`Reason for reversing ${code}`} error={reasonError}>
        {(c) => <input {...c} type="text" maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} />}
      </Field>
      <div className="form__actions">
        <button type="submit" className="btn btn--primary" disabled={loading}>
          {loading ? 'Reversing…' : 'Reverse redemption'}
        </button>
        <button type="button" className="btn btn--ghost" onClick={onDone} disabled={loading}>
          Cancel
        </button>
      </div>
    </form>
  );
}
