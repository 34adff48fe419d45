'use client';

import { INPUT_LIMITS, reasonSchema } from '@coupons/rules';
import { actionsColumn } from '@/components/data-table/actions-column';
import { type FormEvent, useState } from 'react';
import { Badge } from '@/components/controls/badge';
import { Button } from '@/components/controls/button';
import { type Column, DataTable } from '@/components/data-table/data-table';
import { CharCounter } from '@/components/forms/char-counter';
import { Field } from '@/components/forms/field';
import { useToast } from '@/components/toast/toast-provider';
import { graphql } from '@/gql';
import type { RedemptionRowFragment } from '@/gql/graphql';
import { formatCount, formatEventTime } from '@/lib/format/format';
import { ListFilterBar } from './list-filter-bar';
import { anyFilter, type FilterField } from './list-filters';
import styles from './redemption-list.module.css';
import { useUrlPaging } from '@/components/data-table/use-url-paging';
import { REDEMPTIONS_PAGE, useBookRedemptions, useReverseRedemption } from './use-book-redemptions';
import { SubmitActions } from '@/components/forms/submit-actions';

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

type RedemptionFilterKey = 'redeemedBy' | 'redeemedCode' | 'redeemedAfter' | 'redeemedBefore' | 'reversed';

/** The redemption list's filters: URL keys of their own (the coupon list's sit beside them), the `redemptions` arguments they become. */
export const REDEMPTION_FILTERS: ReadonlyArray<FilterField<RedemptionFilterKey>> = [
  {
    key: 'reversed',
    apiField: 'reversed',
    label: 'Status',
    kind: 'choice',
    options: [
      { value: '', label: 'All' },
      { value: 'false', label: 'Standing' },
      { value: 'true', label: 'Reversed' },
    ],
  },
  { key: 'redeemedBy', apiField: 'email', label: 'Redeemed by (email)', kind: 'email', placeholder: 'name@example.com' },
  { key: 'redeemedCode', apiField: 'codePrefix', label: 'Code starts with', kind: 'codePrefix', placeholder: 'SPRING-' },
  { key: 'redeemedAfter', apiField: 'redeemedAfter', label: 'Redeemed after', kind: 'after' },
  { key: 'redeemedBefore', apiField: 'redeemedBefore', label: 'Redeemed before', kind: 'before' },
];
const REDEMPTION_FILTER_KEYS = REDEMPTION_FILTERS.map((f) => f.key);

/**
 * The book's redemptions, newest first, live, narrowed by filters kept in the page's URL, a page
 * at a time, with the admin's reversal (a refund or a cancelled order gives the use back; the
 * redemption row stays, marked reversed, with its reason).
 */
export function RedemptionList({ bookId, live = true }: { bookId: string; live?: boolean }) {
  // Keys of its own in the URL (`rpage`, `rafter`, `rsize`): the coupon list's page sits beside them.
  const paging = useUrlPaging(REDEMPTION_FILTER_KEYS, { prefix: 'r', defaultSize: REDEMPTIONS_PAGE, label: 'Redemption pages', testId: 'redemption-page' });
  const { redeemedBy, redeemedCode, redeemedAfter, redeemedBefore, reversed } = paging.filters;
  const filtered = anyFilter(paging.filters);
  const list = useBookRedemptions(bookId, {
    email: redeemedBy || null,
    codePrefix: redeemedCode || null,
    redeemedAfter: redeemedAfter || null,
    redeemedBefore: redeemedBefore || null,
    reversed: reversed === '' ? null : reversed === 'true',
  }, { live, pageSize: paging.pageSize, start: paging.start });
  const { nodes: redemptions, totalCount, error, refetchSoon } = list;
  const [reversing, setReversing] = useState<string | null>(null);

  const columns: Column<RedemptionRowFragment>[] = [
    { key: 'when', header: 'When', variant: 'nowrap', cell: (r) => formatEventTime(r.redeemedAt) },
    { key: 'code', header: 'Code', rowHeader: true, variant: 'mono', cell: (r) => r.coupon?.code ?? '—' },
    { key: 'user', header: 'User', cell: (r) => r.user?.email ?? '—' },
    {
      key: 'status',
      header: 'Status',
      // The reason is text in the cell, not a hover-only title: keyboards, touch and screen readers get it too.
      cell: (r) =>
        r.reversedAt ? (
          <>
            Reversed {formatEventTime(r.reversedAt)}
            {r.reversalReason ? <span className={styles.reason}>Reason: {r.reversalReason}</span> : null}
          </>
        ) : (
          'Redeemed'
        ),
    },
    actionsColumn((r) =>
      r.reversedAt || reversing === r.id ? null : (
        <Button size="small" variant="danger" onClick={() => setReversing(r.id)} aria-label={`Reverse the redemption of ${r.coupon?.code ?? r.id}`}>
          Reverse
        </Button>
      )),
  ];

  return (
    <section className="card" aria-labelledby="redemptions-title">
      <div className="card__header">
        <h2 id="redemptions-title">Redemptions</h2>
        {totalCount !== undefined ? <Badge kind="count">{formatCount(totalCount)} {filtered ? 'match' : 'in total'}</Badge> : null}
      </div>
      <ListFilterBar label="Filter redemptions" fields={REDEMPTION_FILTERS} values={paging.filters} onApply={paging.applyFilters} onClear={paging.clearFilters} error={error} />
      <DataTable
        caption="Redemptions of this book, newest first"
        compact
        columns={columns}
        {...paging.table(list)}
        rowKey={(r) => r.id}
        rowAttributes={(r) => ({ 'data-redemption': r.id, 'data-coupon-code': r.coupon?.code })}
        loadingLabel="Loading redemptions…"
        empty={filtered ? 'No redemption matches these filters' : 'No redemptions yet'}
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
    // The API's own rule (the shared schema): a reason too long is named here, not cut or sent.
    const checked = reasonSchema.safeParse(reason);
    if (!checked.success) {
      setReasonError(checked.error.issues[0]?.message ?? 'Check the reason.');
      return;
    }
    setReasonError(null);
    try {
      await reverseRedemption(redemptionId, checked.data);
      toast.success(`The use of ${code} is given back.`, 'Redemption reversed');
      onDone();
    } catch (failure) {
      toast.error(failure, 'Could not reverse');
    }
  }

  return (
    <form className={`form ${styles.reverseForm}`} onSubmit={submit} noValidate aria-label={`Reverse the redemption of ${code}`}>
      <Field id="reverse-reason" label={`Reason for reversing ${code}`} hint={<CharCounter value={reason} max={INPUT_LIMITS.reason} />} error={reasonError}>
        {(c) => <input {...c} type="text" value={reason} onChange={(e) => setReason(e.target.value)} />}
      </Field>
      <SubmitActions label="Reverse redemption" busyLabel="Reversing…" busy={loading}>
        <Button variant="ghost" onClick={onDone} disabled={loading}>
          Cancel
        </Button>
      </SubmitActions>
    </form>
  );
}
