'use client';

import { useQuery } from '@apollo/client/react';
import Link from 'next/link';
import { EmptyState, ErrorState, LoadingState } from '@/components/feedback/states';
import { formatDateTime, formatDiscount } from '@/lib/format/format';
import { BookDetailQuery } from './book-detail.documents';
import { BookStatsPanel } from './book-stats-panel';
import { CodeGenerate } from './code-generate';
import { CodeUpload } from './code-upload';
import { CouponTable } from './coupon-table';
import { ExportButtons } from './export-buttons';
import { RedemptionList } from './redemption-list';

/** One book: its rules, live stats, code upload and generation, exports and the live coupon table. */
export function BookDetailPage({ bookId }: { bookId: string }) {
  const { data, loading, error, refetch } = useQuery(BookDetailQuery, { variables: { id: bookId } });
  if (loading && !data) return <LoadingState label="Loading the book…" />;
  if (error && !data) return <ErrorState error={error} onRetry={() => void refetch()} />;
  const book = data?.book;
  if (!book)
    return (
      <EmptyState title="This book does not exist">
        <Link href="/books">Back to books</Link>
      </EmptyState>
    );

  return (
    <div className="stack">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link href="/books">Books</Link> <span aria-hidden="true">/</span> <span aria-current="page">{book.name}</span>
      </nav>
      <div className="page-header">
        <div>
          <h1>
            {book.name} {book.isActive ? <span className="badge badge--active">Active</span> : <span className="badge badge--muted">Inactive</span>}
          </h1>
          {book.description ? <p className="page-header__lead">{book.description}</p> : null}
        </div>
        <div className="page-header__actions">
          <ExportButtons bookId={book.id} bookName={book.name} />
          <Link href={`/books/${book.id}/edit`} className="btn">
            Edit book
          </Link>
        </div>
      </div>

      <dl className="facts">
        <div>
          <dt>Discount</dt>
          <dd>{formatDiscount(book.discountType, book.discountValue)}</dd>
        </div>
        <div>
          <dt>Valid</dt>
          <dd>{book.validFrom || book.validUntil ? `${formatDateTime(book.validFrom)} – ${formatDateTime(book.validUntil)}` : 'Always'}</dd>
        </div>
        <div>
          <dt>Per user</dt>
          <dd>{book.maxAssignmentsPerUser == null ? 'No limit' : `${book.maxAssignmentsPerUser} coupon${book.maxAssignmentsPerUser === 1 ? '' : 's'}`}</dd>
        </div>
        <div>
          <dt>Redemptions</dt>
          <dd>
            {book.allowMultipleRedemptions ? `Several${book.maxRedemptionsPerUser == null ? '' : ` (up to ${book.maxRedemptionsPerUser} per user)`}` : 'Once per coupon'}
          </dd>
        </div>
        <div>
          <dt>Lock time</dt>
          <dd>{book.lockTtlSeconds} s</dd>
        </div>
      </dl>

      <BookStatsPanel bookId={book.id} initial={book.counts} />

      <div className="grid grid--2">
        <CodeUpload bookId={book.id} />
        <CodeGenerate bookId={book.id} />
      </div>

      <CouponTable bookId={book.id} />

      <RedemptionList bookId={book.id} />
    </div>
  );
}
