'use client';

import { type FormEvent, useState } from 'react';
import { Badge } from '@/components/controls/badge';
import { Button } from '@/components/controls/button';
import { type Column, DataTable } from '@/components/data-table/data-table';
import { Field } from '@/components/forms/field';
import { useToast } from '@/components/toast/toast-provider';
import { graphql } from '@/gql';
import type { RedemptionRowFragment } from '@/gql/graphql';
import { formatCount, formatDateTime } from '@/lib/format/format';
import styles from './redemption-list.module.css';
import { useBookRedemptions, useReverseRedemption } from './use-book-redemptions';

/** What one row of a book's redemptions shows. */
export const RedemptionRow = graphql(`
  fragment RedemptionRow on Redemption {
    id
    redeemedAt
    reversedAt
    reversalReason
    coupon {
      id
      code
    }
    user {
      id
      email
    }
  }
`);

/**
 * The book's latest redemptions, live, with the admin's reversal (a refund or a cancelled order
 * gives the use back; the redemption row stays, marked reversed, with its reason).
 */
export function RedemptionList({ bookId }: { bookId: string }) {
  const { redemptions, totalCount, loading, error, refetch, refetchSoon } = useBookRedemptions(bookId);
  const [reversing, setReversing] = useState<string | null>(null);

  const columns: Column<RedemptionRowFragment>[] = [
    { key: 'when', header: 'When', variant: 'nowrap', cell: (r) => formatDateTime(r.redeemedAt), sortValue: (r) => Date.parse(r.redeemedAt) },
    { key: 'code', header: 'Code', rowHeader: true, variant: 'mono', cell: (r) => r.coupon?.code ?? '—', sortValue: (r) => r.coupon?.code },
    { key: 'user', header: 'User', cell: (r) => r.user?.email ?? '—', sortValue: (r) => r.user?.email },
    {
      key: 'status',
      header: 'Status',
      cell: (r) => (r.reversedAt ? <span title={r.reversalReason ?? undefined}>Reversed {formatDateTime(r.reversedAt)}</span> : 'Redeemed'),
      sortValue: (r) => (r.reversedAt ? 1 : 0),
    },
    {
      key: 'actions',
      header: 'Actions',
      hideHeader: true,
      variant: 'actions',
      cell: (r) =>
        r.reversedAt || reversing === r.id ? null : (
          <Button size="small" variant="danger" onClick={() => setReversing(r.id)} aria-label={`Reverse the redemption of ${r.coupon?.code ?? r.id}`}>
            Reverse
          </Button>
        ),
    },
  ];

  return (
    <section className="card" aria-labelledby="redemptions-title">
      <div className="card__header">
        <h2 id="redemptions-title">Redemptions</h2>
        {totalCount !== undefined ? <Badge kind="count">{formatCount(totalCount)} in total</Badge> : null}
      </div>
      <DataTable
        caption="Latest redemptions of this book"
        compact
        columns={columns}
        rows={redemptions}
        rowKey={(r) => r.id}
        rowAttributes={(r) => ({ 'data-redemption': r.id, 'data-coupon-code': r.coupon?.code })}
        loading={loading}
        loadingLabel="Loading redemptions…"
        error={error}
        onRetry={refetch}
        empty="No redemptions yet"
      />
      {reversing ? (
        <ReverseForm
          redemptionId={reversing}
          code={redemptions?.find((r) => r.id === reversing)?.coupon?.code ?? ''}
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
  const { reverseRedemption, loading } = useReverseRedemption();
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!reason.trim()) {
      setReasonError('Say why (refund, cancelled order …): it is kept with the redemption.');
      return;
    }
    try {
      await reverseRedemption(redemptionId, reason.trim());
      toast.success(`The use of ${code} is given back.`, 'Redemption reversed');
      onDone();
    } catch (failure) {
      toast.error(failure, 'Could not reverse');
    }
  }

  return (
    <form className={`form ${styles.reverseForm}`} onSubmit={submit} noValidate aria-label={`Reverse the redemption of ${code}`}>
      <Field id="reverse-reason" label={`Reason for reversing ${code}`} error={reasonError}>
        {(c) => <input {...c} type="text" maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} />}
      </Field>
      <div className="form__actions">
        <Button variant="primary" type="submit" disabled={loading}>
          {loading ? 'Reversing…' : 'Reverse redemption'}
        </Button>
        <Button variant="ghost" onClick={onDone} disabled={loading}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
