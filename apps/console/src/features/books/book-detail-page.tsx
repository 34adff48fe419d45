'use client';

import Link from 'next/link';
import { EmptyState, ErrorState, LoadingState } from '@/components/feedback/states';
import { BookFactList } from './book-facts';
import { BookStatsPanel } from './book-stats-panel';
import { CodeGenerate } from './code-generate';
import { CodeUpload } from './code-upload';
import { CouponTable } from './coupon-table';
import { ExportButtons } from './export-buttons';
import { RedemptionList } from './redemption-list';
import { useBook } from './use-book';

/** One book: its rules, live stats, code upload and generation, exports and the live coupon table. */
export function BookDetailPage({ bookId }: { bookId: string }) {
  const { book, loaded, loading, error, refetch } = useBook(bookId);
  if (loading && !loaded) return <LoadingState label="Loading the book…" />;
  if (error && !loaded) return <ErrorState error={error} onRetry={() => void refetch()} />;
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

      <BookFactList book={book} />

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
