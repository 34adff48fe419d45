'use client';

import { usePathname } from 'next/navigation';
import { type RefObject, useEffect, useRef } from 'react';

/** How long a new page may take to show its heading (its data loading) before focus goes to the page area. */
const WAIT_FOR_HEADING_MS = 5_000;

/**
 * After a client-side navigation (a new path, not a changed query string: filters keep focus
 * where it is), moves focus to the new page's `<h1>` inside `main`, as a full page load would
 * put a screen reader at the top of the new page. A page still loading gets focus on its heading
 * as soon as the heading appears; without one within {@link WAIT_FOR_HEADING_MS}, on `main`
 * itself. Nothing moves when focus is already inside the new page (a field that focuses itself)
 * or on the first load.
 */
export function useFocusOnNavigation(main: RefObject<HTMLElement | null>): void {
  const pathname = usePathname();
  const previous = useRef(pathname);
  useEffect(() => {
    if (previous.current === pathname) return;
    previous.current = pathname;
    const root = main.current;
    if (!root) return;
    const focus = (target: HTMLElement) => {
      if (root.contains(document.activeElement) && document.activeElement !== root) return;
      if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
      target.focus();
    };
    const heading = () => root.querySelector<HTMLElement>('h1');
    const now = heading();
    if (now) {
      focus(now);
      return;
    }
    const observer = new MutationObserver(() => {
      const found = heading();
      if (!found) return;
      observer.disconnect();
      clearTimeout(timer);
      focus(found);
    });
    observer.observe(root, { childList: true, subtree: true });
    const timer = setTimeout(() => {
      observer.disconnect();
      focus(root);
    }, WAIT_FOR_HEADING_MS);
    return () => {
      observer.disconnect();
      clearTimeout(timer);
    };
  }, [pathname, main]);
}
