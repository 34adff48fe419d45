import { STATE_LABELS } from '@/lib/format/format';

/** A coupon state as a coloured badge; the text carries the meaning, the colour only repeats it. */
export function StateBadge({ state }: { state: string }) {
  return (
    <span className={`badge badge--${state.toLowerCase()}`} data-state={state}>
      {STATE_LABELS[state] ?? state}
    </span>
  );
}
