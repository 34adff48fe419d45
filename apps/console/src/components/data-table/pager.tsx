'use client';

import { Button } from '@/components/controls/button';
import { formatCount } from '@/lib/format/format';
import styles from './data-table.module.css';

/** The page sizes a list offers. The API serves at most 100 items per page. */
export const PAGE_SIZES = [20, 50, 100] as const;

/** Where a list stands among its pages, and how to move (what {@link Pager} shows). */
export interface PagerProps {
  /** The navigation's accessible name ("Coupon pages"). */
  label: string;
  /** 1-based. */
  page: number;
  pageSize: number;
  /** Every item matching, not just this page; undefined until the first page arrives. */
  totalCount: number | undefined;
  /** The next page exists (the API said so and gave its cursor). */
  hasNext: boolean;
  onNext(): void;
  onFirst(): void;
  onPageSize(size: number): void;
  /** `data-testid` of the "Page 2 of 3" text. */
  testId?: string;
}

/**
 * Pages of a server-paged list: "Page 2 of 3", a page size, Next page and First page. Cursor
 * pages: the next page starts after the last row shown, and the way back is First page or the
 * browser's Back (the page lives in the URL).
 */
export function Pager({ label, page, pageSize, totalCount, hasNext, onNext, onFirst, onPageSize, testId }: PagerProps) {
  const pages = totalCount === undefined ? undefined : Math.max(1, Math.ceil(totalCount / pageSize));
  // No more than the smallest page holds: nothing to move between, no size to choose.
  if (page === 1 && !hasNext && (totalCount ?? 0) <= PAGE_SIZES[0]) return null;
  return (
    <nav className={styles.pager} aria-label={label}>
      <span data-testid={testId}>
        Page {formatCount(page)}
        {pages === undefined ? '' : ` of ${formatCount(Math.max(pages, page))}`}
      </span>
      <label>
        Per page{' '}
        <select value={pageSize} onChange={(e) => onPageSize(Number(e.target.value))}>
          {PAGE_SIZES.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      </label>
      {page > 1 ? (
        <Button size="small" onClick={onFirst}>
          First page
        </Button>
      ) : null}
      {hasNext ? (
        <Button size="small" onClick={onNext}>
          Next page
        </Button>
      ) : null}
    </nav>
  );
}
