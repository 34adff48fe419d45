'use client';

import { useApolloClient, useMutation, useSubscription } from '@apollo/client/react';
import { useCallback } from 'react';
import { graphql } from '@/gql';
import type { GenerateCodesInput } from '@/gql/graphql';
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
  const [upload, { loading }] = useMutation(UploadCodesMutation);
  const uploadCodes = async (csv: string) => {
    const { data } = await upload({ variables: { bookId, csv } });
    return data?.uploadCodes ?? null;
  };
  return { uploadCodes, loading };
}

/** Uploads a list of codes (the paste box) into a book; resolves to the per-line report. */
export function useUploadCodeList(bookId: string) {
  const [upload, { loading }] = useMutation(UploadCodeListMutation);
  const uploadCodeList = async (codes: string[]) => {
    const { data } = await upload({ variables: { bookId, codes } });
    return data?.uploadCodes ?? null;
  };
  return { uploadCodeList, loading };
}

/** Cancels a running code job (an import rolls back; a generation keeps what it made). */
export function useCancelCodeJob() {
  const [cancel, { loading }] = useMutation(CancelCodeJobMutation);
  const cancelCodeJob = async (jobId: string) => {
    const { data } = await cancel({ variables: { jobId } });
    return data?.cancelCodeJob ?? null;
  };
  return { cancelCodeJob, loading };
}

/** Starts a background generation job; resolves to the job (already finished for small counts). */
export function useGenerateCodes(bookId: string) {
  const [generate, { loading }] = useMutation(GenerateCodesMutation);
  const generateCodes = async (input: GenerateCodesInput) => {
    const { data } = await generate({ variables: { bookId, input } });
    return data?.generateCodes ?? null;
  };
  return { generateCodes, loading };
}

/** A running job's progress (`codeJob`); `skip` for a job that finished inside the mutation. */
export function useCodeJobProgress(jobId: string, skip: boolean) {
  const { data, error } = useSubscription(CodeJobSubscription, { variables: { jobId }, skip });
  return { progress: data?.codeJob ?? null, error };
}
