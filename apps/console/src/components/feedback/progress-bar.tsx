import styles from './progress-bar.module.css';

interface ProgressBarProps {
  label: string;
  value: number;
  max: number;
  /** Text shown next to the bar, e.g. "12,000 of 50,000". */
  valueText: string;
  /** How the work ended, when it has: the bar turns green or red. */
  tone?: 'success' | 'danger';
}

/** A determinate progress bar with an accessible name and value. */
export function ProgressBar({ label, value, max, valueText, tone }: ProgressBarProps) {
  const safeMax = Math.max(1, max);
  const percent = Math.min(100, Math.max(0, (value / safeMax) * 100));
  return (
    <div className={styles.progress}>
      <div
        className={styles.track}
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={safeMax}
        aria-valuenow={Math.min(value, safeMax)}
        aria-valuetext={valueText}
      >
        <div className={styles.fill} data-tone={tone} style={{ width: `${percent}%` }} />
      </div>
      <p className={styles.text}>
        {valueText} <span className={styles.percent}>({Math.floor(percent)}%)</span>
      </p>
    </div>
  );
}
