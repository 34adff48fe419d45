/** What one measured run of a path produced. */
export interface LoadSummary {
  /** Calls that did what they should. */
  ok: number;
  /** Failed calls by error code (GraphQL `extensions.code`, HTTP status, or an exception name). */
  errors: Record<string, number>;
  durationMs: number;
  /** Completed calls per second (ok + failed), over the whole run. */
  throughput: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** The q-quantile (0…1) of sorted values, nearest-rank. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank];
}

/** The raw latencies behind a summary (kept out of the JSON report), so runs can be combined. */
const rawLatencies = new WeakMap<LoadSummary, number[]>();

/** Summarises per-call latencies measured over a run of `durationMs`. */
export function summarize(latenciesMs: number[], durationMs: number, ok: number, errors: Record<string, number>): LoadSummary {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  const completed = ok + Object.values(errors).reduce((a, b) => a + b, 0);
  const summary = {
    ok,
    errors,
    durationMs: round(durationMs),
    throughput: round(completed / (durationMs / 1000)),
    p50Ms: round(quantile(sorted, 0.5)),
    p90Ms: round(quantile(sorted, 0.9)),
    p99Ms: round(quantile(sorted, 0.99)),
    maxMs: round(sorted[sorted.length - 1] ?? Number.NaN),
  };
  rawLatencies.set(summary, latenciesMs);
  return summary;
}

/** One summary of several runs of the same path: calls, time and latencies added up. */
export function combine(runs: LoadSummary[]): LoadSummary {
  const errors: Record<string, number> = {};
  for (const run of runs) for (const [code, n] of Object.entries(run.errors)) errors[code] = (errors[code] ?? 0) + n;
  return summarize(
    runs.flatMap((run) => rawLatencies.get(run) ?? []),
    runs.reduce((sum, run) => sum + run.durationMs, 0),
    runs.reduce((sum, run) => sum + run.ok, 0),
    errors,
  );
}

export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Counts one occurrence of `key`. */
export function tally(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

/** ms since `start` (a `process.hrtime.bigint()` reading). */
export function elapsedMs(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}
