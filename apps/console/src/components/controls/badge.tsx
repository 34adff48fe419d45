import type { ComponentProps, ReactNode } from 'react';
import styles from './badge.module.css';

/**
 * `status`: a state with a dot before it (Active, Locked …); `count`: a number or a label in a
 * muted chip ("12 in total", "Member"); `role`: an account's role, in capitals.
 */
export type BadgeKind = 'status' | 'count' | 'role';

/** The colour: `neutral` leaves it to the caller (StateBadge adds a colour per coupon state). */
export type BadgeTone = 'neutral' | 'success' | 'muted' | 'primary' | 'warning' | 'danger';

export interface BadgeProps extends ComponentProps<'span'> {
  kind?: BadgeKind;
  tone?: BadgeTone;
}

/** A small chip of text. The text carries the meaning; the colour only repeats it. */
export function Badge({ kind = 'status', tone = 'neutral', className, ...props }: BadgeProps) {
  const classes = [styles.badge, styles[kind], tone === 'neutral' ? null : styles[tone], className].filter(Boolean).join(' ');
  return <span className={classes} {...props} />;
}

/** Chips in a list named `label` for assistive technology (a key's scopes, an endpoint's event types). */
export function BadgeList({ label, items }: { label: string; items: readonly string[] }) {
  return (
    <ul className={styles.list} aria-label={label}>
      {items.map((item) => (
        <li key={item}>
          <Badge kind="count">{item}</Badge>
        </li>
      ))}
    </ul>
  );
}

/** A status badge and what goes with it; `nowrap` keeps them on one line. */
export function BadgeGroup({ nowrap = false, children }: { nowrap?: boolean; children: ReactNode }) {
  return <span className={nowrap ? `${styles.group} ${styles.nowrap}` : styles.group}>{children}</span>;
}
