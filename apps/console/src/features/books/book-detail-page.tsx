'use client';

import { Badge } from '@/components/controls/badge';
import { ButtonLink } from '@/components/controls/button';
import { Breadcrumb } from '@/components/page/breadcrumb';
import { RecordPage } from '@/components/page/record-page';
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
  const { book, ...query } = useBook(bookId);
  return (
    <RecordPage query={{ record: book, ...query }} noun="book" back={{ href: '/books', label: 'Back to books' }}>
      {(book) => <BookDetail book={book} />}
    </RecordPage>
  );
}

function BookDetail({ book }: { book: NonNullable<ReturnType<typeof useBook>['book']> }) {
  return (
    <div className="stack">
      <Breadcrumb trail={[{ href: '/books', label: 'Books' }]} current={book.name} />
      <div className="page-header">
        <div>
          <h1>
            {book.name} {book.isActive ? <Badge tone="success">Active</Badge> : <Badge tone="muted">Inactive</Badge>}
          </h1>
          {book.description ? <p className="page-header__lead">{book.description}</p> : null}
        </div>
        <div className="page-header__actions">
          <ExportButtons bookId={book.id} bookName={book.name} />
          <ButtonLink href={`/books/${book.id}/edit`}>
            Edit book
          </ButtonLink>
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
