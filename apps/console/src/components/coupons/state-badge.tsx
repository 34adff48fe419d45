import { STATE_LABELS } from '@/lib/format/format';
import styles from './state-badge.module.css';

/** A coupon state as a coloured badge; the text carries the meaning, the colour only repeats it. */
export function StateBadge({ state }: { state: string }) {
  const tone = styles[state.toLowerCase()];
  return (
    <span className={`badge${tone ? ` ${tone}` : ''}`} data-state={state}>
      {STATE_LABELS[state] ?? state}
    </span>
  );
}
