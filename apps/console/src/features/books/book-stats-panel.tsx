'use client';

import dynamic from 'next/dynamic';
import { LiveIndicator } from '@/components/feedback/live-indicator';
import { graphql } from '@/gql';
import { formatCount } from '@/lib/format/format';
import styles from './book-stats-panel.module.css';
import { useBookStats } from './use-book-stats';

// The trends (Recharts) load on their own, after the counts: the numbers do not wait for the chart
// library, and the trends have nothing to draw before two live readings anyway (issue 17, item 9).
const TrendChart = dynamic(() => import('@/components/charts/trend-chart').then((m) => m.TrendChart), { ssr: false });

/** The counts a stats panel starts from, before `bookStats` reports. */
export const BookStatsCounts = graphql(`
  fragment BookStatsCounts on Book {
    counts {
      unassigned
      assigned
      locked
      redeemed
    }
  }
`);

export interface StatCounts {
  unassigned: number;
  assigned: number;
  locked: number;
  redeemed: number;
}

/**
 * Live counts of a book and two small trends with axes (redemptions per minute, codes left). The
 * initial numbers come from the book query; `bookStats` replaces them as soon as it reports.
 */
export function BookStatsPanel({ bookId, initial, compact = false, title }: { bookId: string; initial: StatCounts | null; compact?: boolean; title?: string }) {
  const { stats, samples } = useBookStats(bookId);
  const counts: StatCounts | null = stats ?? initial;
  const total = counts ? counts.unassigned + counts.assigned + counts.locked + counts.redeemed : null;

  const headingId = `stats-${bookId}`;
  return (
    <section className={`card${compact ? ` ${styles.compact}` : ''}`} aria-labelledby={headingId}>
      <div className="card__header">
        <h2 id={headingId}>{title ?? 'Live stats'}</h2>
        {compact ? null : <LiveIndicator />}
      </div>
      <dl className={styles.grid}>
        <Stat label="Unassigned" value={counts?.unassigned} state="unassigned" />
        <Stat label="Assigned" value={counts?.assigned} state="assigned" />
        <Stat label="Locked" value={stats ? stats.activeLocks : counts?.locked} state="locked" />
        <Stat label="Redeemed" value={counts?.redeemed} state="redeemed" />
        {compact ? null : <Stat label="Total" value={total ?? undefined} />}
        <Stat label="Redemptions / min" value={stats?.redemptionsLastMinute} />
      </dl>
      <div className={styles.charts}>
        <TrendChart label="Redemptions per minute" points={samples.map((s) => ({ at: s.at, value: s.redemptionsLastMinute }))} />
        <TrendChart label="Codes left" tone="secondary" points={samples.map((s) => ({ at: s.at, value: s.unassigned }))} />
      </div>
    </section>
  );
}

function Stat({ label, value, state }: { label: string; value: number | undefined; state?: string }) {
  return (
    <div className={styles.stat} data-state={state}>
      <dt>{label}</dt>
      <dd data-stat={label}>{formatCount(value)}</dd>
    </div>
  );
}
