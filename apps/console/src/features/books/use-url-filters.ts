'use client';

import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useCallback, useMemo } from 'react';
import type { FilterValues } from './list-filters';

/**
 * A list's filters kept in the page's query string, so a reload, the back button and a shared link
 * all show the same list. `apply` writes this list's keys (and only them: another list's filters
 * on the same page stay) as a new history entry; '' removes a key.
 */
export function useUrlFilters<K extends string>(keys: readonly K[]) {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const query = params.toString();
  const keysKey = keys.join(',');

  // biome-ignore lint/correctness/useExhaustiveDependencies: `query` and `keysKey` stand for params and keys
  const values = useMemo(() => {
    const current = new URLSearchParams(query);
    return Object.fromEntries(keys.map((key) => [key, current.get(key) ?? ''])) as FilterValues<K>;
  }, [query, keysKey]);

  const apply = useCallback(
    (next: Partial<FilterValues<K>>) => {
      const merged = new URLSearchParams(query);
      for (const key of keysKey.split(',')) {
        const value = next[key as K];
        if (value) merged.set(key, value);
        else merged.delete(key);
      }
      const search = merged.toString();
      if (search === query) return;
      router.push(search ? `${pathname}?${search}` : (pathname ?? '/'), { scroll: false });
    },
    [query, keysKey, pathname, router],
  );

  return { values, apply, clear: useCallback(() => apply({}), [apply]) };
}
