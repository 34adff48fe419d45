'use client';

import { useRouter } from 'next/navigation';
import { Breadcrumb } from '@/components/page/breadcrumb';
import { RecordPage } from '@/components/page/record-page';
import { useToast } from '@/components/toast/toast-provider';
import { BookForm } from './book-form';
import { bookToFormValues } from './book-form-values';
import { useEditBook } from './use-book';

export function EditBookPage({ bookId }: { bookId: string }) {
  const router = useRouter();
  const toast = useToast();
  const { book, updateBook, ...query } = useEditBook(bookId);

  return (
    <RecordPage query={{ record: book, ...query }} noun="book" back={{ href: '/books', label: 'Back to books' }}>
      {(book) => (
        <section aria-labelledby="edit-book-title">
          <Breadcrumb
            trail={[
              { href: '/books', label: 'Books' },
              { href: `/books/${book.id}`, label: book.name },
            ]}
            current="Edit"
          />
          <h1 id="edit-book-title">Edit “{book.name}”</h1>
          <BookForm
            initialValues={bookToFormValues(book)}
            submitLabel="Save changes"
            cancelHref={`/books/${book.id}`}
            onSubmit={async (input) => {
              await updateBook(input);
              toast.success('The book is updated.', 'Saved');
              router.push(`/books/${book.id}`);
            }}
          />
        </section>
      )}
    </RecordPage>
  );
}
