'use client';

import { useQuery } from '@apollo/client/react';
import { graphql } from '@/gql';
import type { CreateBookInput, UpdateBookInput } from '@/gql/graphql';
import { useMutationAction } from '@/lib/apollo/use-mutation-action';
import { BooksQuery } from './use-books';

export const BookDetailQuery = graphql(`
  query BookDetail($id: ID!) {
    book(id: $id) {
      id
      name
      description
      isActive
      ...BookStatusFields
      ...BookFacts
      ...BookBudgetFields
      ...BookStatsCounts
    }
  }
`);

const BookForEditQuery = graphql(`
  query BookForEdit($id: ID!) {
    book(id: $id) {
      id
      ...BookFormFields
    }
  }
`);

const CreateBookMutation = graphql(`
  mutation CreateBook($input: CreateBookInput!) {
    createBook(input: $input) {
      id
      ...BookFormFields
    }
  }
`);

const UpdateBookMutation = graphql(`
  mutation UpdateBook($id: ID!, $input: UpdateBookInput!) {
    updateBook(id: $id, input: $input) {
      id
      ...BookFormFields
    }
  }
`);

/** One book for its page: rules, counts; `book` is null when there is no such book. */
export function useBook(bookId: string) {
  const { data, loading, error, refetch } = useQuery(BookDetailQuery, { variables: { id: bookId } });
  return { book: data?.book ?? null, loaded: data !== undefined, loading, error, refetch };
}

/** One book as the edit form needs it, read fresh (another admin may have changed it), and its save. */
export function useEditBook(bookId: string) {
  const { data, loading, error, refetch } = useQuery(BookForEditQuery, { variables: { id: bookId }, fetchPolicy: 'network-only' });
  const { run } = useMutationAction(UpdateBookMutation, (data) => data.updateBook);
  const updateBook = async (input: UpdateBookInput) => {
    await run({ id: bookId, input });
  };
  return { book: data?.book ?? null, loaded: data !== undefined, loading, error, refetch, updateBook };
}

/** Creates a book; resolves to it (the lists of books are read again). */
export function useCreateBook() {
  const { run } = useMutationAction(CreateBookMutation, (data) => data.createBook, { refetchQueries: [BooksQuery] });
  return (input: CreateBookInput) => run({ input });
}
