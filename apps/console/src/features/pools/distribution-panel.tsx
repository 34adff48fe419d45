'use client';

import Link from 'next/link';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { Button } from '@/components/controls/button';
import { type Column, DataTable } from '@/components/data-table/data-table';
import type { BookOption } from '@/components/book-picker/book-combobox';
import { BookPicker } from '@/components/book-picker/book-picker';
import { Field } from '@/components/forms/field';
import { type RadioOption, RadioGroup } from '@/components/forms/radio-group';
import { useToast } from '@/components/toast/toast-provider';
import { graphql } from '@/gql';
import type {
  DistributeToPoolMutation,
  DistributionMode,
  DistributionPreviewFieldsFragment as Preview,
  DistributionRemainder,
} from '@/gql/graphql';
import { describeError } from '@/lib/errors/describe-error';
import { formatCount } from '@/lib/format/format';
import styles from './distribution-panel.module.css';
import { type DistributionRequest as Request, useDistribute, usePreviewDistribution } from './use-distribution';

/** What the preview step shows: the totals and each member's share. */
export const DistributionPreviewFields = graphql(`
  fragment DistributionPreviewFields on DistributionPreview {
    mode
    requested
    perMember
    remainder
    leftInBook
    available
    totalAssigned
    shortfall
    seed
    perUser {
      userId
      count
      extra
      skippedReason
      user {
        id
        email
      }
    }
  }
`);

type Result = DistributeToPoolMutation['distributeToPool'];
type Share = Preview['perUser'][number];

/** What the form was filled with: "Change" on the preview brings the form back as it was. */
interface Choice {
  request: Request;
  book: BookOption;
}

/**
 * The preview step carries its distribution's idempotency key: made when the preview is shown,
 * sent with every Confirm of it (a retry after a failure cannot distribute twice), and dropped
 * with it (Change, then a new preview, makes a new key).
 */
type Step =
  | { kind: 'form'; last?: Choice }
  | ({ kind: 'preview'; preview: Preview; idempotencyKey: string } & Choice)
  | { kind: 'done'; request: Request; result: Result };

const MODES: RadioOption<DistributionMode>[] = [
  { value: 'EQUAL', label: 'Equal', hint: 'the total split evenly: every member gets total ÷ members, rounded down' },
  { value: 'RANDOM', label: 'Random', hint: 'each coupon of the total to a member chosen at random' },
];

const REMAINDERS: RadioOption<DistributionRemainder>[] = [
  { value: 'LEAVE_IN_BOOK', label: 'Leave it in the book', hint: 'nobody gets more than anyone else' },
  { value: 'RANDOM_MEMBERS', label: 'Give one more to members chosen at random', hint: 'the whole total goes out' },
];

const SKIP_REASONS: Record<string, string> = {
  LIMIT_REACHED: 'Already has the most coupons this book allows',
  SOLD_OUT: 'No coupon left',
};

const SHARE_COLUMNS: Column<Share>[] = [
  { key: 'member', header: 'Member', rowHeader: true, cell: (e) => e.user?.email ?? e.userId, sortValue: (e) => e.user?.email ?? e.userId },
  { key: 'count', header: 'Coupons', numeric: true, cell: (e) => formatCount(e.count), sortValue: (e) => e.count },
  { key: 'extra', header: 'Of the remainder', numeric: true, cell: (e) => (e.extra > 0 ? `+${formatCount(e.extra)}` : ''), sortValue: (e) => e.extra },
  { key: 'note', header: 'Note', cell: (e) => (e.skippedReason ? (SKIP_REASONS[e.skippedReason] ?? e.skippedReason) : ''), sortValue: (e) => e.skippedReason },
];

/**
 * Distribution in three steps: choose (book, mode, count) → preview the per-user outcome, with
 * nothing changed yet → confirm, and see what was done.
 */
export function DistributionPanel({ poolId, memberCount }: { poolId: string; /** undefined while the pool loads. */ memberCount: number | undefined }) {
  const [step, setStep] = useState<Step>({ kind: 'form' });
  return (
    <section className="card" aria-labelledby="distribute-title">
      <h2 id="distribute-title">Distribute coupons</h2>
      <ol className={styles.steps} aria-label="Progress">
        <li aria-current={step.kind === 'form' ? 'step' : undefined}>Choose</li>
        <li aria-current={step.kind === 'preview' ? 'step' : undefined}>Preview</li>
        <li aria-current={step.kind === 'done' ? 'step' : undefined}>Done</li>
      </ol>
      {step.kind === 'form' ? (
        <DistributionForm
          poolId={poolId}
          memberCount={memberCount}
          last={step.last}
          onPreview={(choice, preview) => setStep({ kind: 'preview', ...choice, preview, idempotencyKey: crypto.randomUUID() })}
        />
      ) : null}
      {step.kind === 'preview' ? (
        <DistributionPreview
          poolId={poolId}
          request={step.request}
          preview={step.preview}
          idempotencyKey={step.idempotencyKey}
          onBack={() => setStep({ kind: 'form', last: { request: step.request, book: step.book } })}
          onDone={(result) => setStep({ kind: 'done', request: step.request, result })}
        />
      ) : null}
      {step.kind === 'done' ? (
        <div role="status" aria-live="polite">
          <p className={styles.headline}>
            Distributed <strong data-testid="distribution-assigned">{formatCount(step.result.assigned)}</strong> of {formatCount(step.result.requested)} coupons from{' '}
            <Link href={`/books/${step.request.bookId}`}>{step.request.bookName}</Link>.
          </p>
          <Button onClick={() => setStep({ kind: 'form' })}>
            Start another distribution
          </Button>
        </div>
      ) : null}
    </section>
  );
}

function DistributionForm({
  poolId,
  memberCount,
  last,
  onPreview,
}: {
  poolId: string;
  memberCount: number | undefined;
  /** The choice previewed before "Change", to start from; none: a new distribution. */
  last?: Choice;
  onPreview(choice: Choice, preview: Preview): void;
}) {
  const toast = useToast();
  const { previewDistribution, loading } = usePreviewDistribution(poolId);
  const [book, setBook] = useState<BookOption | null>(last?.book ?? null);
  const [mode, setMode] = useState<DistributionMode>(last?.request.mode ?? 'EQUAL');
  // The count is the total in both modes: one coupon per member until the admin types another
  // (the member count may arrive after the form is shown: the pool loads beside it).
  const [typedCount, setCount] = useState<string | null>(last ? String(last.request.count) : null);
  const count = typedCount ?? String(Math.max(1, memberCount ?? 1));
  const [remainder, setRemainder] = useState<DistributionRemainder>(last?.request.remainder ?? 'LEAVE_IN_BOOK');
  const [errors, setErrors] = useState<{ bookId?: string; count?: string }>({});

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const found: typeof errors = {};
    if (!book) found.bookId = 'Choose the book to distribute from.';
    if (!/^\d+$/.test(count.trim()) || Number(count) < 1) found.count = 'Enter a whole number of at least 1.';
    setErrors(found);
    if (!book || Object.keys(found).length > 0) return;
    const request: Request = {
      bookId: book.id,
      bookName: book.name,
      mode,
      count: Number(count),
      remainder: mode === 'EQUAL' ? remainder : null,
    };
    try {
      const preview = await previewDistribution(request);
      if (preview) onPreview({ request, book }, preview);
    } catch (failure) {
      const described = describeError(failure);
      if (described.field === 'count') setErrors({ count: described.message });
      else toast.error(failure, 'Could not preview');
    }
  }

  return (
    <form className="form" onSubmit={submit} noValidate>
      {memberCount === 0 ? <p className="notice notice--info">Add members to the pool before distributing.</p> : null}
      <Field id="distribute-book" label="Book" error={errors.bookId}>
        {(c) => <BookPicker {...c} value={book} onChange={setBook} />}
      </Field>
      <RadioGroup legend="Mode" name="mode" value={mode} onChange={setMode} options={MODES} />
      <Field id="distribute-count" label="Coupons in total" error={errors.count}>
        {(c) => <input {...c} type="number" inputMode="numeric" min={1} value={count} onChange={(e) => setCount(e.target.value)} />}
      </Field>
      {mode === 'EQUAL' ? (
        <RadioGroup legend="What does not divide evenly" name="remainder" value={remainder} onChange={setRemainder} options={REMAINDERS} />
      ) : null}
      <Button variant="primary" type="submit" disabled={loading || !memberCount}>
        {loading ? 'Preparing preview…' : 'Preview'}
      </Button>
    </form>
  );
}

function DistributionPreview({
  poolId,
  request,
  preview,
  idempotencyKey,
  onBack,
  onDone,
}: {
  poolId: string;
  request: Request;
  preview: Preview;
  /** One per preview: every Confirm of it sends the same key. */
  idempotencyKey: string;
  onBack(): void;
  onDone(result: Result): void;
}) {
  const toast = useToast();
  const { distributeToPool, loading } = useDistribute(poolId);
  // The Preview button is gone once the preview shows: focus moves to the preview's heading, so a
  // keyboard or screen reader continues from what it asked for, not from the top of the page.
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);

  async function confirm() {
    try {
      // The preview's seed replays its random choices, so the result matches what was shown; its
      // key makes Confirm again after a failure safe (a first attempt that did commit is answered,
      // not repeated).
      const result = await distributeToPool(request, preview.seed, idempotencyKey);
      if (!result) return;
      toast.success(`${formatCount(result.assigned)} coupons assigned.`, 'Distribution done');
      onDone(result);
    } catch (failure) {
      toast.error(failure, 'Distribution failed');
    }
  }

  return (
    <section aria-labelledby="preview-title">
      <h3 id="preview-title" ref={heading} tabIndex={-1}>
        Preview:{' '}
        {request.mode === 'EQUAL'
          ? `${formatCount(request.count)} in total, ${formatCount(preview.perMember ?? 0)} per member`
          : `${formatCount(request.count)} in total, at random`}{' '}
        from {request.bookName}
      </h3>
      <dl className="facts facts--compact">
        <div>
          <dt>Requested</dt>
          <dd>{formatCount(preview.requested)}</dd>
        </div>
        <div>
          <dt>Available</dt>
          <dd>{formatCount(preview.available)}</dd>
        </div>
        {preview.mode === 'EQUAL' ? (
          <div>
            <dt>Left in the book</dt>
            <dd data-testid="preview-left-in-book">{formatCount(preview.leftInBook)}</dd>
          </div>
        ) : null}
        <div>
          <dt>Will be assigned</dt>
          <dd data-testid="preview-total">{formatCount(preview.totalAssigned)}</dd>
        </div>
        <div>
          <dt>Shortfall</dt>
          <dd className={preview.shortfall > 0 ? 'text-warning' : undefined}>{formatCount(preview.shortfall)}</dd>
        </div>
      </dl>
      <DataTable caption="Coupons per member" compact scroll columns={SHARE_COLUMNS} rows={preview.perUser} rowKey={(entry) => entry.userId} />
      <p className="muted">Nothing has changed yet. Confirming repeats exactly this plan, unless coupons are claimed in the meantime.</p>
      <div className="form__actions">
        <Button variant="primary" onClick={() => void confirm()} disabled={loading || preview.totalAssigned === 0}>
          {loading ? 'Distributing…' : `Confirm: assign ${formatCount(preview.totalAssigned)} coupons`}
        </Button>
        <Button variant="ghost" onClick={onBack} disabled={loading}>
          Change
        </Button>
      </div>
    </section>
  );
}
