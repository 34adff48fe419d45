'use client';

import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useCallback, useMemo } from 'react';

/** Values kept in the URL's query string: '' for none. */
export type UrlValues<K extends string> = Record<K, string>;

/**
 * Values kept in the page's query string (a list's filters, search and page), so a reload, the
 * back button and a shared link all show the same list. `apply` writes these keys (and only them:
 * another list's keys on the same page stay) as a new history entry, or in place of the current
 * one with `replace` (a search as it is typed); '' removes a key.
 */
export function useUrlState<K extends string>(keys: readonly K[]) {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const query = params.toString();
  const keysKey = keys.join(',');

  // biome-ignore lint/correctness/useExhaustiveDependencies: `query` and `keysKey` stand for params and keys
  const values = useMemo(() => {
    const current = new URLSearchParams(query);
    return Object.fromEntries(keys.map((key) => [key, current.get(key) ?? ''])) as UrlValues<K>;
  }, [query, keysKey]);

  const apply = useCallback(
    (next: Partial<UrlValues<K>>, { replace = false }: { replace?: boolean } = {}) => {
      const merged = new URLSearchParams(query);
      for (const key of keysKey.split(',')) {
        const value = next[key as K];
        if (value) merged.set(key, value);
        else merged.delete(key);
      }
      const search = merged.toString();
      if (search === query) return;
      const href = search ? `${pathname}?${search}` : (pathname ?? '/');
      if (replace) router.replace(href, { scroll: false });
      else router.push(href, { scroll: false });
    },
    [query, keysKey, pathname, router],
  );

  return { values, apply, clear: useCallback(() => apply({}), [apply]) };
}
