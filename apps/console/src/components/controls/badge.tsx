import type { ComponentProps } from 'react';
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
