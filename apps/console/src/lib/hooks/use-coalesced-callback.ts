import { useEffect, useRef } from 'react';

/**
 * A stable function that runs the latest `fn` once, `ms` after the first call of a burst; calls
 * in between are absorbed. Live screens use it so a burst of events (a distribution assigns
 * hundreds of coupons) costs one refetch, and a steady stream still refreshes regularly.
 */
export function useCoalescedCallback(fn: () => void, ms: number): () => void {
  const fnRef = useRef(fn);
  fnRef.current = fn;
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );
  const trigger = useRef(() => {
    if (timer.current) return;
    timer.current = setTimeout(() => {
      timer.current = null;
      fnRef.current();
    }, ms);
  });
  return trigger.current;
}
