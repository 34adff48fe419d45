'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import type { PagedQueryResult } from '@/lib/apollo/use-paged-query';
import { PAGE_SIZES, type PagerProps } from './pager';
import { type UrlValues, useUrlState } from './use-url-state';

export interface UrlPagingOptions {
  /** Before `page`, `after` and `size` in the URL, for a second list on the same page ("r": `rpage`). */
  prefix?: string;
  /** One of {@link PAGE_SIZES}; left out of the URL when chosen. */
  defaultSize?: number;
  /** The pager's accessible name ("Coupon pages"). */
  label: string;
  /** `data-testid` of the pager's "Page 2 of 3". */
  testId?: string;
}

/** What a paged list tells its pager: its total and where its next page starts. */
type PagedList = Pick<PagedQueryResult<unknown>, 'totalCount' | 'hasMore' | 'endCursor'>;

/**
 * A server-paged list's state in the page's URL: its filters (and search), the page shown (its
 * number and the cursor it starts after) and the page size, so a reload, Back and a shared link
 * show the same page. Changing a filter starts again at page 1 and keeps the page size. Pass
 * `pageSize` and `start` to `usePagedQuery`, then spread `table(list)` into the `DataTable`: one
 * way to page every list of the console.
 */
export function useUrlPaging<K extends string>(filterKeys: readonly K[], { prefix = '', defaultSize = PAGE_SIZES[1], label, testId }: UrlPagingOptions) {
  const pageKey = `${prefix}page`;
  const afterKey = `${prefix}after`;
  const sizeKey = `${prefix}size`;
  const url = useUrlState<string>([...filterKeys, pageKey, afterKey, sizeKey]);
  const all = url.values;
  const filters = Object.fromEntries(filterKeys.map((key) => [key, all[key] ?? ''])) as UrlValues<K>;
  const pageSize = PAGE_SIZES.find((n) => String(n) === all[sizeKey]) ?? defaultSize;
  const after = all[afterKey] ?? '';
  const pageParam = all[pageKey] ?? '';
  // A page number without its cursor (a hand-edited link) cannot be reached: page 1.
  const page = after && /^\d+$/.test(pageParam) && Number(pageParam) > 1 ? Number(pageParam) : 1;
  const apply = url.apply;

  /** New filters (merged into the current ones; '' removes one): back to page 1, same page size. */
  const applyFilters = useCallback(
    (next: Partial<UrlValues<K>>, options?: { replace?: boolean }) =>
      apply({ ...next, [pageKey]: '', [afterKey]: '' }, options),
    [apply, pageKey, afterKey],
  );
  // biome-ignore lint/correctness/useExhaustiveDependencies: `filterKeys` is read through `all`'s keys
  const clearFilters = useCallback(
    () => apply({ ...Object.fromEntries(filterKeys.map((key) => [key, ''])), [pageKey]: '', [afterKey]: '' }),
    [apply, pageKey, afterKey, filterKeys.join(',')],
  );

  const pager = (list: PagedList): PagerProps => ({
    label,
    testId,
    page,
    pageSize,
    totalCount: list.totalCount,
    hasNext: list.hasMore && Boolean(list.endCursor),
    onNext: () => apply({ [pageKey]: String(page + 1), [afterKey]: list.endCursor ?? '' }),
    onFirst: () => apply({ [pageKey]: '', [afterKey]: '' }),
    onPageSize: (size) => apply({ [sizeKey]: size === defaultSize ? '' : String(size), [pageKey]: '', [afterKey]: '' }),
  });

  /** The `DataTable` props of a paged list: its rows, loading, error, retry and pager. */
  const table = <Node,>(list: PagedQueryResult<Node>) => ({
    rows: list.nodes,
    loading: list.loading,
    error: list.error,
    onRetry: () => void list.refetch(),
    pages: pager(list),
  });

  return { filters, applyFilters, clearFilters, page, pageSize, start: page > 1 ? after : null, pager, table, values: all, apply };
}

/**
 * A search box whose text lives in the URL: shown as typed, written to the URL (in place of the
 * current entry, not one per keystroke) once typing pauses; a URL changed by Back or a link shows
 * its own search again.
 */
export function useUrlSearchInput(value: string, commit: (text: string) => void, delayMs = 250) {
  const [draft, setDraft] = useState(value);
  const committed = useRef(value);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const commitRef = useRef(commit);
  commitRef.current = commit;
  useEffect(() => {
    if (value === committed.current) return;
    committed.current = value;
    setDraft(value);
  }, [value]);
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );
  const onChange = useCallback(
    (text: string) => {
      setDraft(text);
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(() => {
        timer.current = null;
        const trimmed = text.trim();
        if (trimmed === committed.current) return;
        committed.current = trimmed;
        commitRef.current(trimmed);
      }, delayMs);
    },
    [delayMs],
  );
  return { value: draft, onChange };
}
