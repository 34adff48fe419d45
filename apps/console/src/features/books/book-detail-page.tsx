'use client';

import { ButtonLink } from '@/components/controls/button';
import { Breadcrumb } from '@/components/page/breadcrumb';
import { RecordPage } from '@/components/page/record-page';
import { BookBudget } from './book-budget';
import { BookFactList } from './book-facts';
import { BookStatsPanel } from './book-stats-panel';
import { BookStatusActions } from './book-status-actions';
import { BookStatusBadge } from './book-status-badge';
import { CodeGenerate } from './code-generate';
import { CodeUpload } from './code-upload';
import { CouponTable } from './coupon-table';
import { ExportButtons } from './export-buttons';
import { RedemptionChart } from './redemption-chart';
import { RedemptionList } from './redemption-list';
import { useBook } from './use-book';

/** One book: its rules, live stats, code upload and generation, exports and the live coupon table. */
export function BookDetailPage({ bookId }: { bookId: string }) {
  const { book, ...query } = useBook(bookId);
  return (
    <RecordPage query={{ record: book, ...query }} noun="book" back={{ href: '/books', label: 'Back to books' }}>
      {(book) => <BookDetail book={book} />}
    </RecordPage>
  );
}

/** Coupons out of the book now, or used: a book with none may be deleted (the API checks history too). */
function givenOut(book: { counts: { assigned: number; locked: number; redeemed: number }; redeemedTotal: number }): number {
  return book.counts.assigned + book.counts.locked + book.counts.redeemed + book.redeemedTotal;
}

function BookDetail({ book }: { book: NonNullable<ReturnType<typeof useBook>['book']> }) {
  return (
    <div className="stack">
      <Breadcrumb trail={[{ href: '/books', label: 'Books' }]} current={book.name} />
      <div className="page-header">
        <div>
          <h1>
            {book.name} <BookStatusBadge book={book} />
          </h1>
          {book.description ? <p className="page-header__lead">{book.description}</p> : null}
        </div>
        <div className="page-header__actions">
          <BookStatusActions book={book} deletable={givenOut(book) === 0} />
          <ExportButtons bookId={book.id} bookName={book.name} />
          <ButtonLink href={`/books/${book.id}/edit`}>
            Edit book
          </ButtonLink>
        </div>
      </div>

      <BookFactList book={book} />
      <BookBudget book={book} />

      <BookStatsPanel bookId={book.id} initial={book.counts} />

      <RedemptionChart bookId={book.id} />

      <div className="grid grid--2">
        <CodeUpload bookId={book.id} />
        <CodeGenerate bookId={book.id} />
      </div>

      <CouponTable bookId={book.id} />

      <RedemptionList bookId={book.id} />
    </div>
  );
}
