'use client';

import { useApolloClient, useSubscription } from '@apollo/client/react';
import { useCallback } from 'react';
import { graphql } from '@/gql';
import type { GenerateCodesInput } from '@/gql/graphql';
import { useMutationAction } from '@/lib/apollo/use-mutation-action';
import { BookCouponsQuery } from './use-book-coupons';
import { BookDetailQuery } from './use-book';

const UploadCodesMutation = graphql(`
  mutation UploadCodes($bookId: ID!, $csv: String!) {
    uploadCodes(bookId: $bookId, csv: $csv) {
      ...UploadReportFields
    }
  }
`);

const UploadCodeListMutation = graphql(`
  mutation UploadCodeList($bookId: ID!, $codes: [String!]!) {
    uploadCodes(bookId: $bookId, codes: $codes) {
      jobId
      ...UploadReportFields
    }
  }
`);

const CancelCodeJobMutation = graphql(`
  mutation CancelCodeJob($jobId: ID!) {
    cancelCodeJob(jobId: $jobId) {
      jobId
      status
    }
  }
`);

const GenerateCodesMutation = graphql(`
  mutation GenerateCodes($bookId: ID!, $input: GenerateCodesInput!) {
    generateCodes(bookId: $bookId, input: $input) {
      jobId
      status
      requested
      generated
    }
  }
`);

const CodeJobSubscription = graphql(`
  subscription CodeJobProgress($jobId: ID!) {
    codeJob(jobId: $jobId) {
      jobId
      status
      total
      processed
      inserted
      duplicates
      invalid
      error
    }
  }
`);

/** Reads the book's counts and coupons again after new codes arrived; a failure is theirs to show. */
export function useRefreshBookCodes() {
  const client = useApolloClient();
  return useCallback(() => {
    client.refetchQueries({ include: [BookCouponsQuery, BookDetailQuery] }).catch(() => undefined);
  }, [client]);
}

/** Uploads a CSV of codes into a book; resolves to the per-line report. */
export function useUploadCodes(bookId: string) {
  const { run, loading } = useMutationAction(UploadCodesMutation, (data) => data.uploadCodes);
  return { uploadCodes: (csv: string) => run({ bookId, csv }), loading };
}

/** Uploads a list of codes (the paste box) into a book; resolves to the per-line report. */
export function useUploadCodeList(bookId: string) {
  const { run, loading } = useMutationAction(UploadCodeListMutation, (data) => data.uploadCodes);
  return { uploadCodeList: (codes: string[]) => run({ bookId, codes }), loading };
}

/** Cancels a running code job (an import rolls back; a generation keeps what it made). */
export function useCancelCodeJob() {
  const { run, loading } = useMutationAction(CancelCodeJobMutation, (data) => data.cancelCodeJob);
  return { cancelCodeJob: (jobId: string) => run({ jobId }), loading };
}

/** Starts a background generation job; resolves to the job (already finished for small counts). */
export function useGenerateCodes(bookId: string) {
  const { run, loading } = useMutationAction(GenerateCodesMutation, (data) => data.generateCodes);
  return { generateCodes: (input: GenerateCodesInput) => run({ bookId, input }), loading };
}

/** A running job's progress (`codeJob`); `skip` for a job that finished inside the mutation. */
export function useCodeJobProgress(jobId: string, skip: boolean) {
  const { data, error } = useSubscription(CodeJobSubscription, { variables: { jobId }, skip });
  return { progress: data?.codeJob ?? null, error };
}
