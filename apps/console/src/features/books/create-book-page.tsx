'use client';

import { Breadcrumb } from '@/components/page/breadcrumb';
import { useRouter } from 'next/navigation';
import { useToast } from '@/components/toast/toast-provider';
import { BookForm } from './book-form';
import { EMPTY_BOOK_FORM } from './book-form-values';
import { useCreateBook } from './use-book';

export function CreateBookPage() {
  const router = useRouter();
  const toast = useToast();
  const createBook = useCreateBook();

  return (
    <section aria-labelledby="new-book-title">
      <Breadcrumb trail={[{ href: '/books', label: 'Books' }]} current="New" />
      <h1 id="new-book-title">New book</h1>
      <BookForm
        initialValues={EMPTY_BOOK_FORM}
        submitLabel="Create book"
        cancelHref="/books"
        onSubmit={async (input) => {
          const book = await createBook(input);
          // The form stays busy once this resolves: without a book to go to, say so instead.
          if (!book) throw new Error('The server did not say which book it created. Check the list of books before trying again.');
          toast.success(`“${book.name}” is ready for codes.`, 'Book created');
          router.push(`/books/${book.id}`);
        }}
      />
    </section>
  );
}
