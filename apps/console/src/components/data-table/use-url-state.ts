'use client';

import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useCallback, useLayoutEffect, useMemo } from 'react';

/** Values kept in the URL's query string: '' for none. */
export type UrlValues<K extends string> = Record<K, string>;

/**
 * The query string last written to the router and the ones it was written over, until the router
 * shows it. Shared by every list of the page (the users page keeps its filters and the chosen user
 * in two): a second write before the router shows the first (a user chosen while a typed search
 * waits to be written, a filter chosen meanwhile) builds on the first instead of on the URL the
 * page still shows, so neither is lost. Only ever set in the browser, by a click or a timer.
 */
let inFlight: { pathname: string | null; over: Set<string>; to: string } | null = null;

/**
 * Values kept in the page's query string (a list's filters, search and page), so a reload, the
 * back button and a shared link all show the same list. `apply` writes the keys it is given (of
 * these keys only: another list's keys on the same page stay; a key not given keeps its value) as
 * a new history entry, or in place of the current one with `replace` (a search as it is typed);
 * '' removes a key.
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

  // A write the router has not shown yet is the base of the next one (see `inFlight`); once the
  // page shows any other URL (the write, Back, another page), it is done with. Judged when a render
  // commits, never while rendering: React renders the next URL in a transition it may drop (a click
  // comes first), and the click's handler is the shown page's, which still needs the pending write.
  useLayoutEffect(() => {
    if (inFlight && (inFlight.pathname !== pathname || query === inFlight.to || !inFlight.over.has(query))) inFlight = null;
  }, [query, pathname]);

  const apply = useCallback(
    (next: Partial<UrlValues<K>>, { replace = false }: { replace?: boolean } = {}) => {
      const pending = inFlight?.pathname === pathname && inFlight.over.has(query) ? inFlight : null;
      const base = pending ? pending.to : query;
      const merged = new URLSearchParams(base);
      for (const key of keysKey.split(',')) {
        const value = next[key as K];
        if (value === undefined) continue;
        if (value) merged.set(key, value);
        else merged.delete(key);
      }
      const search = merged.toString();
      if (search === base) return;
      inFlight = { pathname, over: pending ? pending.over.add(base) : new Set([query]), to: search };
      const href = search ? `${pathname}?${search}` : (pathname ?? '/');
      if (replace) router.replace(href, { scroll: false });
      else router.push(href, { scroll: false });
    },
    [query, keysKey, pathname, router],
  );

  const clear = useCallback(() => apply(Object.fromEntries(keysKey.split(',').map((key) => [key, ''])) as Partial<UrlValues<K>>), [apply, keysKey]);
  return { values, apply, clear };
}
