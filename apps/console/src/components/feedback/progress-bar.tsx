interface ProgressBarProps {
  label: string;
  value: number;
  max: number;
  /** Text shown next to the bar, e.g. "12,000 of 50,000". */
  valueText: string;
}

/** A determinate progress bar with an accessible name and value. */
export function ProgressBar({ label, value, max, valueText }: ProgressBarProps) {
  const safeMax = Math.max(1, max);
  const percent = Math.min(100, Math.max(0, (value / safeMax) * 100));
  return (
    <div className="progress">
      <div
        className="progress__track"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={safeMax}
        aria-valuenow={Math.min(value, safeMax)}
        aria-valuetext={valueText}
      >
        <div className="progress__fill" style={{ width: `${percent}%` }} />
      </div>
      <p className="progress__text">
        {valueText} <span className="progress__percent">({Math.floor(percent)}%)</span>
      </p>
    </div>
  );
}
