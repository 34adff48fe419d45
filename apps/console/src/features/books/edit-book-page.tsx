'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { Breadcrumb } from '@/components/page/breadcrumb';
import { RecordPage } from '@/components/page/record-page';
import { useToast } from '@/components/toast/toast-provider';
import { BookForm } from './book-form';
import { type BookLike, bookToFormValues, changedBookInput, validateBookForm } from './book-form-values';
import { useEditBook } from './use-book';
import type { UpdateBookInput } from '@/gql/graphql';

export function EditBookPage({ bookId }: { bookId: string }) {
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
          <EditBookForm book={book} updateBook={updateBook} />
        </section>
      )}
    </RecordPage>
  );
}

/** The form as the book was when it opened; a save sends only the fields changed since. */
function EditBookForm({ book, updateBook }: { book: BookLike & { id: string }; updateBook(input: UpdateBookInput): Promise<void> }) {
  const router = useRouter();
  const toast = useToast();
  const [initialValues] = useState(() => bookToFormValues(book));
  return (
    <BookForm
      initialValues={initialValues}
      submitLabel="Save changes"
      cancelHref={`/books/${book.id}`}
      onSubmit={async (input) => {
        await updateBook(changedBookInput(validateBookForm(initialValues).input, input));
        toast.success('The book is updated.', 'Saved');
        router.push(`/books/${book.id}`);
      }}
    />
  );
}
