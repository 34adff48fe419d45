import { Badge } from '@/components/controls/badge';
import { STATE_LABELS } from '@/lib/format/format';
import styles from './state-badge.module.css';

/** A coupon state as a coloured badge; the text carries the meaning, the colour only repeats it. */
export function StateBadge({ state }: { state: string }) {
  return (
    <Badge className={styles[state.toLowerCase()]} data-state={state}>
      {STATE_LABELS[state] ?? state}
    </Badge>
  );
}
