'use client';

import { Area, AreaChart, CartesianGrid, Tooltip, XAxis, YAxis } from 'recharts';
import { formatCount } from '@/lib/format/format';
import styles from './trend-chart.module.css';

export interface TrendPoint {
  /** When the value was read (epoch milliseconds). */
  at: number;
  value: number;
}

interface TrendChartProps {
  /** What the line shows ("Redemptions per minute"): the caption and the accessible name. */
  label: string;
  points: readonly TrendPoint[];
  /** `secondary` draws in the redeemed colour, for a second trend next to the first. */
  tone?: 'primary' | 'secondary';
  className?: string;
}

const timeTick = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit', second: '2-digit' });
const COLOURS = {
  primary: { stroke: 'var(--primary)', fill: 'var(--primary-soft)' },
  secondary: { stroke: 'var(--state-redeemed)', fill: 'var(--state-redeemed-bg)' },
};

/**
 * A small live trend drawn with Recharts (the console's chart library): a value axis and a time
 * axis, the latest value printed in the caption, and a tooltip per reading. Until there are two
 * readings there is no line to draw, so it says so in words instead of drawing a lone dot. The
 * drawing is hidden from assistive technology; the caption carries the numbers.
 */
export function TrendChart({ label, points, tone = 'primary', className }: TrendChartProps) {
  const last = points.at(-1);
  const highest = points.reduce((max, p) => Math.max(max, p.value), 0);
  const colour = COLOURS[tone];
  return (
    <figure className={[styles.trend, className].filter(Boolean).join(' ')} data-testid="trend-chart">
      <figcaption>
        <span>{label}</span>
        <span className={styles.latest}>
          {last ? `${formatCount(last.value)} now` : '—'}
          {points.length > 1 ? `, highest ${formatCount(highest)}` : ''}
        </span>
      </figcaption>
      {points.length < 2 ? (
        <p className={styles.waiting}>{points.length === 0 ? 'Waiting for the first reading…' : 'Drawn from the second reading on (one every few seconds while the book is busy).'}</p>
      ) : (
        <div className={styles.plot} aria-hidden="true" data-testid="trend-chart-plot">
          <AreaChart responsive data={points as TrendPoint[]} accessibilityLayer={false} margin={{ top: 4, right: 8, bottom: 0, left: 0 }} style={{ width: '100%', height: '100%' }}>
            <CartesianGrid vertical={false} stroke="var(--border)" />
            <XAxis
              dataKey="at"
              type="number"
              scale="time"
              domain={['dataMin', 'dataMax']}
              tickFormatter={(at: number) => timeTick.format(at)}
              tickCount={3}
              minTickGap={24}
              tick={{ fill: 'var(--muted)', fontSize: 11 }}
              stroke="var(--border-strong)"
            />
            <YAxis allowDecimals={false} width={36} tickCount={3} domain={[0, (max: number) => Math.max(1, max)]} tick={{ fill: 'var(--muted)', fontSize: 11 }} stroke="var(--border-strong)" />
            <Tooltip
              labelFormatter={(at) => timeTick.format(Number(at))}
              formatter={(value) => [formatCount(Number(value)), label]}
              contentStyle={{ background: 'var(--surface)', border: '1px solid var(--border)', borderRadius: 6, color: 'var(--text)', fontSize: 12 }}
            />
            <Area type="monotone" dataKey="value" name={label} stroke={colour.stroke} fill={colour.fill} strokeWidth={2} isAnimationActive={false} dot={false} />
          </AreaChart>
        </div>
      )}
    </figure>
  );
}
