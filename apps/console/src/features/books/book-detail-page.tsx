'use client';

import { usePreloadBookPicker } from '@/components/book-picker/book-picker';
import { ButtonLink } from '@/components/controls/button';
import { Breadcrumb } from '@/components/page/breadcrumb';
import { RecordPage } from '@/components/page/record-page';
import { AssignCouponPanel } from '../assign/assign-coupon-panel';
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
import { PageHeader } from '@/components/page/page-header';

/**
 * One book: its rules, live stats, code upload and generation, exports and the live coupon table.
 * The sections that need only the book's id (chart, codes, coupons, redemptions) render, and so
 * start their requests, while the book itself is still loading: the page's reads run side by
 * side, not one after the other (issue 17, item 9). They are left out only once the book turns
 * out not to exist or cannot be read.
 */
export function BookDetailPage({ bookId }: { bookId: string }) {
  const { book, ...query } = useBook(bookId);
  // The assign panel's picker mounts with the book: its first page is read now, beside the book.
  usePreloadBookPicker();
  const missing = !book && (query.loaded || Boolean(query.error)) && !query.loading;
  return (
    <div className="stack">
      <RecordPage query={{ record: book, ...query }} noun="book" back={{ href: '/books', label: 'Back to books' }}>
        {(book) => <BookDetail book={book} />}
      </RecordPage>
      {missing ? null : <BookSections bookId={bookId} />}
    </div>
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
      <PageHeader title={<>{book.name} <BookStatusBadge book={book} /></>} lead={book.description}>
        <div className="page-header__actions">
          <BookStatusActions book={book} deletable={givenOut(book) === 0} />
          <ExportButtons bookId={book.id} bookName={book.name} />
          <ButtonLink href={`/books/${book.id}/edit`}>
            Edit book
          </ButtonLink>
        </div>
      </PageHeader>

      <BookFactList book={book} />
      <BookBudget book={book} />

      <BookStatsPanel bookId={book.id} initial={book.counts} />

      <AssignCouponPanel book={{ id: book.id, name: book.name, isActive: book.isActive, unassigned: book.counts.unassigned }} />
    </div>
  );
}

/** The parts of the book page that need only its id. */
function BookSections({ bookId }: { bookId: string }) {
  return (
    <>
      <RedemptionChart bookId={bookId} />

      <div className="grid grid--2">
        <CodeUpload bookId={bookId} />
        <CodeGenerate bookId={bookId} />
      </div>

      <CouponTable bookId={bookId} />

      <RedemptionList bookId={bookId} />
    </>
  );
}
