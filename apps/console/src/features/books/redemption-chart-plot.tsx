'use client';

import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from 'recharts';
import type { TimeBucket } from '@/gql/graphql';
import { bucketLabel } from './redemption-chart-range';

/**
 * One bucket's bars: its claims, and beside them what still stands of its redemptions with the
 * ones reversed since stacked on top.
 */
export interface ChartPoint {
  at: string;
  claims: number;
  standing: number;
  reversed: number;
}

/** The bars of the redemption chart (Recharts, loaded apart from the page: see redemption-chart.tsx). */
export function RedemptionChartPlot({ points, bucket }: { points: ChartPoint[]; bucket: TimeBucket }) {
  return (
    <BarChart responsive data={points} accessibilityLayer={false} margin={{ top: 8, right: 8, bottom: 0, left: 0 }} style={{ width: '100%', height: '100%' }}>
      <CartesianGrid vertical={false} stroke="var(--border)" />
      <XAxis dataKey="at" tickFormatter={(at: string) => bucketLabel(at, bucket, 'tick')} minTickGap={16} tick={{ fill: 'var(--muted)', fontSize: 12 }} stroke="var(--border-strong)" />
      <YAxis allowDecimals={false} width={40} tick={{ fill: 'var(--muted)', fontSize: 12 }} stroke="var(--border-strong)" />
      <Tooltip
        labelFormatter={(at) => bucketLabel(String(at), bucket, 'long')}
        cursor={{ fill: 'var(--surface-2)' }}
        contentStyle={{ background: 'var(--surface)', border: '1px solid var(--border)', borderRadius: 6, color: 'var(--text)' }}
      />
      <Legend wrapperStyle={{ fontSize: 13 }} />
      <Bar dataKey="claims" name="Claims" fill="var(--state-assigned)" isAnimationActive={false} />
      <Bar dataKey="standing" name="Redemptions that stand" stackId="redemptions" fill="var(--primary)" isAnimationActive={false} />
      <Bar dataKey="reversed" name="Reversed since" stackId="redemptions" fill="var(--danger)" isAnimationActive={false} />
    </BarChart>
  );
}
