'use client';

import { type ReactNode, useId, useState } from 'react';
import dynamic from 'next/dynamic';
import { type Column, DataTable } from '@/components/data-table/data-table';
import { EmptyState, ErrorState, LoadingState } from '@/components/feedback/states';
import { graphql } from '@/gql';
import type { TimeBucket } from '@/gql/graphql';
import { formatCount } from '@/lib/format/format';
import styles from './redemption-chart.module.css';
import { bucketLabel, CHART_RANGES, type ChartRange } from './redemption-chart-range';
import type { ChartPoint } from './redemption-chart-plot';
import { type ActivityBucket, type RedemptionsOverTimeOptions, useRedemptionsOverTime } from './use-redemptions-over-time';

// The drawing (Recharts) loads on its own, after the page's content: the summary in words and the
// numbers do not wait for the chart library (issue 17, item 9). Its box keeps its size meanwhile.
const RedemptionChartPlot = dynamic(() => import('./redemption-chart-plot').then((m) => m.RedemptionChartPlot), { ssr: false });

/** What the chart shows of one bucket's redemptions. */
export const RedemptionChartBucket = graphql(`
  fragment RedemptionChartBucket on RedemptionBucket {
    at
    redemptions
    reversals
  }
`);

/** What the chart shows of one bucket's claims. */
export const ClaimChartBucket = graphql(`
  fragment ClaimChartBucket on ClaimBucket {
    at
    claims
  }
`);

const RANGE_ORDER: ChartRange[] = ['DAY', 'MONTH', 'HALF_YEAR'];
const BUCKET_NOUN: Record<TimeBucket, string> = { MINUTE: 'minute', HOUR: 'hour', DAY: 'day', WEEK: 'week' };
const plural = (n: number, noun: string) => `${formatCount(n)} ${noun}${n === 1 ? '' : 's'}`;

/**
 * The words that say what the chart draws, for everyone (the chart itself is hidden from screen
 * readers, whose users read the same numbers in the table below it).
 */
export function summarise(buckets: readonly ActivityBucket[], range: ChartRange): string {
  const { label, bucket } = CHART_RANGES[range];
  const claims = buckets.reduce((sum, b) => sum + b.claims, 0);
  const redemptions = buckets.reduce((sum, b) => sum + b.redemptions, 0);
  const reversals = buckets.reduce((sum, b) => sum + b.reversals, 0);
  if (claims + redemptions === 0) return `No claims or redemptions in ${label}.`;
  const busiest = buckets.reduce((best, b) => (b.claims + b.redemptions > best.claims + best.redemptions ? b : best));
  const reversed = reversals > 0 ? ` (${formatCount(reversals)} reversed since)` : '';
  return `${plural(claims, 'claim')} and ${plural(redemptions, 'redemption')}${reversed} in ${label}. Busiest ${BUCKET_NOUN[bucket]}: ${bucketLabel(busiest.at, bucket, 'long')}, with ${plural(busiest.claims, 'claim')} and ${plural(busiest.redemptions, 'redemption')}.`;
}

/**
 * A book's claims and redemptions over time: per hour, day or week a bar of claims beside a
 * stacked bar of redemptions (standing, and reversed since), with axes that carry the values, a
 * legend, a summary in words, and the numbers as a table. A book without a claim or redemption in
 * the period shows an empty state instead of a flat chart. Drawn with Recharts, already the
 * console's chart library: SVG React components (so the page's CSS variables colour it and
 * Playwright can read its ticks), and a few dozen bars need none of a canvas library's speed.
 */
export function RedemptionChart({ bookId, ...options }: { bookId: string } & RedemptionsOverTimeOptions) {
  const [range, setRange] = useState<ChartRange>('DAY');
  const { buckets, bucket, loading, error, refetch } = useRedemptionsOverTime(bookId, range, options);
  const titleId = useId();
  const summaryId = useId();
  const selectId = useId();

  let body: ReactNode;
  if (error && !buckets) body = <ErrorState error={error} onRetry={refetch} title="Could not load the claims and redemptions" />;
  else if (!buckets) body = loading ? <LoadingState label="Loading claims and redemptions…" /> : null;
  else if (buckets.every((b) => b.redemptions === 0 && b.claims === 0)) {
    body = (
      <EmptyState title={`No claims or redemptions in ${CHART_RANGES[range].label}`}>
        Each claim and redemption of this book shows here, by the {BUCKET_NOUN[bucket]} it was made.
      </EmptyState>
    );
  } else {
    body = <Chart buckets={buckets} bucket={bucket} range={range} summaryId={summaryId} />;
  }

  return (
    <section className="card" aria-labelledby={titleId} aria-busy={loading || undefined} data-testid="redemption-chart">
      <div className={`card__header ${styles.header}`}>
        <h2 id={titleId}>Claims and redemptions over time</h2>
        <div className={styles.period}>
          <label htmlFor={selectId}>Period</label>
          <select id={selectId} value={range} onChange={(e) => setRange(e.target.value as ChartRange)}>
            {RANGE_ORDER.map((r) => (
              <option key={r} value={r}>
                {CHART_RANGES[r].label.replace(/^the l/, 'L')}
              </option>
            ))}
          </select>
        </div>
      </div>
      {body}
    </section>
  );
}

function Chart({ buckets, bucket, range, summaryId }: { buckets: readonly ActivityBucket[]; bucket: TimeBucket; range: ChartRange; summaryId: string }) {
  const points: ChartPoint[] = buckets.map((b) => ({ at: b.at, claims: b.claims, standing: b.redemptions - b.reversals, reversed: b.reversals }));
  const columns: Column<ActivityBucket>[] = [
    { key: 'at', header: BUCKET_NOUN[bucket].replace(/^./, (c) => c.toUpperCase()), rowHeader: true, variant: 'nowrap', cell: (b) => bucketLabel(b.at, bucket, 'long') },
    { key: 'claims', header: 'Claims', numeric: true, cell: (b) => formatCount(b.claims) },
    { key: 'redemptions', header: 'Redemptions', numeric: true, cell: (b) => formatCount(b.redemptions) },
    { key: 'reversals', header: 'Reversed since', numeric: true, cell: (b) => formatCount(b.reversals) },
  ];
  return (
    <figure className={styles.figure} aria-labelledby={summaryId}>
      <figcaption id={summaryId} className={styles.summary} data-testid="redemption-chart-summary">
        {summarise(buckets, range)}
      </figcaption>
      {/* The drawing repeats the table below for the eye; assistive technology reads the table. */}
      <div className={styles.plot} aria-hidden="true" data-testid="redemption-chart-plot">
        <RedemptionChartPlot points={points} bucket={bucket} />
      </div>
      <details className={styles.numbers}>
        <summary>Show the numbers</summary>
        <DataTable
          caption={`Claims and redemptions per ${BUCKET_NOUN[bucket]} in ${CHART_RANGES[range].label}`}
          compact
          scroll
          columns={columns}
          rows={buckets}
          rowKey={(b) => b.at}
          rowAttributes={(b) => ({ 'data-bucket': b.at, 'data-claims': b.claims, 'data-redemptions': b.redemptions })}
        />
      </details>
    </figure>
  );
}
