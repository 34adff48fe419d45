import Link from 'next/link';
import type { ReactNode } from 'react';
import { EmptyState, ErrorState, LoadingState } from '@/components/feedback/states';

/** What a page's data hook says about the one record it loads (`useBook`, `usePool` …). */
export interface RecordQuery<T> {
  record: T | null | undefined;
  loaded: boolean;
  loading: boolean;
  error: unknown;
  refetch(): unknown;
}

interface RecordPageProps<T> {
  query: RecordQuery<T>;
  /** What the record is, for the states: `book` gives "Loading the book…", "This book does not exist". */
  noun: string;
  /** The list it belongs to, linked from the not-found state. */
  back: { href: string; label: string };
  children(record: T): ReactNode;
}

/**
 * A page about one record: the loading state on the first load, the error state (with a retry)
 * when that fails, a not-found state when there is no such record, and `children(record)` once it
 * is there. Later refetches keep showing the record.
 */
export function RecordPage<T>({ query, noun, back, children }: RecordPageProps<T>) {
  if (query.loading && !query.loaded) return <LoadingState label={`Loading the ${noun}…`} />;
  if (query.error && !query.loaded) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  if (!query.record)
    return (
      <EmptyState title={`This ${noun} does not exist`}>
        <Link href={back.href}>{back.label}</Link>
      </EmptyState>
    );
  return <>{children(query.record)}</>;
}
