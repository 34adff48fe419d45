import styles from './sparkline.module.css';

interface SparklineProps {
  values: number[];
  /** What the line shows, for the accessible name ("Redemptions per minute"). */
  label: string;
  width?: number;
  height?: number;
  /** `secondary` draws in the redeemed colour, for a second trend next to the first. */
  tone?: 'primary' | 'secondary';
  className?: string;
}

/**
 * A small line chart in plain SVG (no chart library): enough to see a trend at a glance. The
 * latest value is also printed next to it, so the chart is never the only place a number lives.
 */
export function Sparkline({ values, label, width = 240, height = 56, tone = 'primary', className }: SparklineProps) {
  const padding = 4;
  const max = Math.max(1, ...values);
  const step = values.length > 1 ? (width - padding * 2) / (values.length - 1) : 0;
  const points = values.map((v, i) => {
    const x = padding + i * step;
    const y = height - padding - (v / max) * (height - padding * 2);
    return [x, y] as const;
  });
  const line = points.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' ');
  const area = points.length > 1 ? `M${padding},${height - padding} L${line.replaceAll(' ', ' L')} L${points[points.length - 1]?.[0]},${height - padding} Z` : '';
  const last = values[values.length - 1];
  return (
    <svg
      className={[styles.sparkline, tone === 'secondary' ? styles.secondary : null, className].filter(Boolean).join(' ')}
      viewBox={`0 0 ${width} ${height}`}
      width={width}
      height={height}
      role="img"
      aria-label={`${label}: ${values.length === 0 ? 'no data yet' : `latest ${last}, highest ${Math.max(...values)} over the last ${values.length} samples`}`}
      preserveAspectRatio="none"
    >
      <line className={styles.baseline} x1={padding} x2={width - padding} y1={height - padding} y2={height - padding} />
      {area ? <path className={styles.area} d={area} /> : null}
      {points.length > 1 ? <polyline className={styles.line} points={line} fill="none" /> : null}
      {points.length > 0 ? <circle className={styles.dot} cx={points[points.length - 1]?.[0]} cy={points[points.length - 1]?.[1]} r={3} /> : null}
    </svg>
  );
}
