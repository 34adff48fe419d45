'use client';

import type { ObservableQuery, OperationVariables, TypedDocumentNode } from '@apollo/client';
import { useApolloClient } from '@apollo/client/react';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { graphql } from '@/gql';

/** What a paged query selects of its connection's `pageInfo`: `pageInfo { ...NextPage }`. */
export const NextPage = graphql(`
  fragment NextPage on PageInfo {
    hasNextPage
    endCursor
  }
`);

/** The part of a Relay connection a paged list needs. */
export interface ConnectionPage<Node> {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor?: string | null };
  edges: ReadonlyArray<{ node: Node }>;
}

export interface PagedQueryOptions<Data, Vars, Node> {
  /** Everything but `first` and `after`; a change starts again from the first page. */
  variables: Omit<Vars, 'first' | 'after'>;
  pageSize: number;
  /** The cursor the first page shown starts after (a page of a paged list, from the URL); null: the start. */
  start?: string | null;
  /** Where the connection sits in the query's data. */
  connection(data: Data): ConnectionPage<Node> | null | undefined;
  skip?: boolean;
}

export interface PagedQueryResult<Node> {
  /** The nodes of every loaded page, in order; `undefined` until the first page arrives. */
  nodes: Node[] | undefined;
  totalCount: number | undefined;
  hasMore: boolean;
  loading: boolean;
  loadingMore: boolean;
  error: unknown;
  loadMore(): void;
  /** Reads every loaded page again (a live screen that learned of rows it does not show). */
  refetch(): Promise<void>;
  /** The first page's data, for the fields around the connection (`book { id }`). */
  firstPage: unknown;
  /** The cursor after the last row shown (where the next page starts), or null. */
  endCursor: string | null;
}

interface PageState<Data> {
  data: Data | undefined;
  loading: boolean;
  error: unknown;
}

/**
 * A Relay connection read page by page ("Show more"), one watched query per page. Each page stays
 * a query of its own in the normalised cache, so a live event updates its row in place, a refetch
 * reads every page shown (not only the first, as a merged connection would), and a later page
 * never re-reads the earlier ones.
 */
export function usePagedQuery<Data, Vars extends OperationVariables, Node>(
  query: TypedDocumentNode<Data, Vars>,
  { variables, pageSize, connection, skip = false, start = null }: PagedQueryOptions<Data, Vars, Node>,
): PagedQueryResult<Node> {
  const client = useApolloClient();
  const variablesKey = JSON.stringify(variables);
  // One entry per page: the cursor it starts after (`start` for the first one). Reset by new variables or a new start.
  const listKey = `${variablesKey}|${pageSize}|${start ?? ''}`;
  const [cursors, setCursors] = useState<{ key: string; after: Array<string | null> }>({ key: listKey, after: [start] });
  const after = useMemo(() => (cursors.key === listKey ? cursors.after : [start]), [cursors, listKey, start]);
  const [pages, setPages] = useState<Record<string, PageState<Data>>>({});
  const watched = useRef(new Map<string, { query: ObservableQuery<Data, Vars>; stop(): void }>());
  const connectionRef = useRef(connection);
  connectionRef.current = connection;

  const pageKeys = useMemo(() => after.map((cursor) => `${variablesKey}|${pageSize}|${cursor ?? ''}`), [after, variablesKey, pageSize]);

  useEffect(() => {
    const wanted = new Set(skip ? [] : pageKeys);
    for (const [key, page] of watched.current) {
      if (wanted.has(key)) continue;
      page.stop();
      watched.current.delete(key);
    }
    after.forEach((cursor, index) => {
      const key = pageKeys[index] as string;
      if (skip || watched.current.has(key)) return;
      const pageVariables = { ...JSON.parse(variablesKey), first: pageSize, after: cursor } as Vars;
      const observable = client.watchQuery<Data, Vars>({ query, variables: pageVariables } as ObservableQuery.Options<Data, Vars>);
      const subscription = observable.subscribe({
        next: (result) =>
          setPages((all) => ({ ...all, [key]: { data: (result.data as Data | undefined) ?? all[key]?.data, loading: result.loading, error: result.error } })),
        error: (error: unknown) => setPages((all) => ({ ...all, [key]: { data: all[key]?.data, loading: false, error } })),
      });
      watched.current.set(key, { query: observable, stop: () => subscription.unsubscribe() });
    });
  }, [client, query, variablesKey, pageSize, pageKeys, after, skip]);

  // Stop every page when the list goes away.
  useEffect(() => {
    const current = watched.current;
    return () => {
      for (const page of current.values()) page.stop();
      current.clear();
    };
  }, []);

  const states = pageKeys.map((key) => pages[key]);
  const connections = states.map((state) => (state?.data ? connectionRef.current(state.data) : undefined));
  const first = connections[0];
  const last = connections[connections.length - 1];
  const nodes = first ? connections.flatMap((c) => c?.edges.map((edge) => edge.node) ?? []) : undefined;
  const endCursor = last?.pageInfo.endCursor ?? null;
  const hasMore = Boolean(last?.pageInfo.hasNextPage && endCursor);

  const loadMore = useCallback(() => {
    if (!endCursor) return;
    setCursors({ key: listKey, after: [...after, endCursor] });
  }, [after, endCursor, listKey]);

  const refetch = useCallback(async () => {
    await Promise.all(pageKeys.map((key) => watched.current.get(key)?.query.refetch().catch(() => undefined)));
  }, [pageKeys]);

  return {
    nodes,
    totalCount: first?.totalCount,
    hasMore,
    loading: !skip && (states[0]?.loading ?? true),
    loadingMore: states.length > 1 && !states[states.length - 1]?.data,
    error: states.find((s) => s?.error)?.error,
    loadMore,
    refetch,
    firstPage: states[0]?.data,
    endCursor,
  };
}
