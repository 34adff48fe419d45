'use client';

import { useMutation } from '@apollo/client/react';
import { graphql } from '@/gql';
import { BooksQuery } from './use-books';

/** What a status change answers: enough for the badge and the buttons to follow (normalised cache). */
export const BookStatusFields = graphql(`
  fragment BookStatusFields on Book {
    id
    status
    statusChangedAt
    isActive
    validFrom
    validUntil
  }
`);

export const PauseBookMutation = graphql(`
  mutation PauseBook($id: ID!) {
    pauseBook(id: $id) {
      ...BookStatusFields
    }
  }
`);

export const ResumeBookMutation = graphql(`
  mutation ResumeBook($id: ID!) {
    resumeBook(id: $id) {
      ...BookStatusFields
    }
  }
`);

export const ArchiveBookMutation = graphql(`
  mutation ArchiveBook($id: ID!) {
    archiveBook(id: $id) {
      ...BookStatusFields
    }
  }
`);

export const DeleteBookMutation = graphql(`
  mutation DeleteBook($id: ID!) {
    deleteBook(id: $id)
  }
`);

export type BookStatusAction = 'pause' | 'resume' | 'archive' | 'delete';

/**
 * Pause, resume, archive and delete one book. Each rejects with the API's error (INVALID_STATE
 * for a delete of a book whose coupons were given out). The books list is read again after each,
 * since a status moves a book in or out of its filters.
 */
export function useBookStatus(bookId: string) {
  const options = { variables: { id: bookId }, refetchQueries: [BooksQuery] };
  const [pause, pausing] = useMutation(PauseBookMutation, options);
  const [resume, resuming] = useMutation(ResumeBookMutation, options);
  const [archive, archiving] = useMutation(ArchiveBookMutation, options);
  const [remove, deleting] = useMutation(DeleteBookMutation, {
    ...options,
    update(cache) {
      cache.evict({ id: cache.identify({ __typename: 'Book', id: bookId }) });
      cache.gc();
    },
  });
  const run: Record<BookStatusAction, () => Promise<unknown>> = {
    pause: () => pause(),
    resume: () => resume(),
    archive: () => archive(),
    delete: () => remove(),
  };
  return {
    run: async (action: BookStatusAction) => {
      await run[action]();
    },
    busy: pausing.loading || resuming.loading || archiving.loading || deleting.loading,
  };
}
