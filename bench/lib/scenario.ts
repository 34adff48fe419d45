import type pg from 'pg';
import type { ApiProcess } from './api-process.ts';
import type { BenchDatabase } from './database.ts';

/** What a scenario gets from the run. */
export interface BenchContext {
  /** `--quick`: smaller sizes, same shape. */
  quick: boolean;
  database: BenchDatabase;
  /** Loading data and checking results. */
  pool: pg.Pool;
  /** The run's main API process (one pool of `poolSize` connections). */
  api(): ApiProcess;
  /** Replaces the main API process with a fresh one, e.g. after seeding history its listener must not replay. */
  restartApi(): Promise<ApiProcess>;
  /** Starts another API process on the same database (stopped by the run at the end of the scenario). */
  startExtraApi(name: string): Promise<ApiProcess>;
  /** Connections per API process, and of every plain-`pg` ceiling pool: the same for a path and its ceiling. */
  poolSize: number;
  log(message: string): void;
}

/** One goal of BENCH.md, checked against what was measured. */
export interface Goal {
  /** What is compared, e.g. "GraphQL/L1 throughput". */
  name: string;
  /** The measured value as shown (a ratio, a latency, "100/900/0"). */
  actual: string;
  /** The goal as BENCH.md states it, e.g. "≥ 0.5". */
  target: string;
  met: boolean;
}

/** What a scenario reports: every figure it measured, and its goals. */
export interface ScenarioResult {
  /** One line for the table: the path and its ceiling, e.g. "GraphQL 1,200/s · L1 3,000/s". */
  summary?: string;
  /** Path and ceiling side by side (free-form, all numbers measured in this run). */
  figures: Record<string, unknown>;
  goals: Goal[];
  /** Why the scenario could not run (a feature it needs has not landed); no figures then. */
  notRun?: string;
  notes?: string[];
}

export interface Scenario {
  id: string;
  /** One line: what it measures and against what. */
  title: string;
  run(ctx: BenchContext): Promise<ScenarioResult>;
}

/**
 * A scenario's size: `full`, or `quick` on a --quick run, and the note the report then carries
 * ("quick run: 100,000 codes instead of 1,000,000"), so that the full size is written once.
 */
export function runSize(ctx: Pick<BenchContext, 'quick'>, sizes: { full: number; quick: number }, unit: string): { size: number; notes: string[] } {
  if (!ctx.quick) return { size: sizes.full, notes: [] };
  return { size: sizes.quick, notes: [`quick run: ${formatNumber(sizes.quick)} ${unit} instead of ${formatNumber(sizes.full)}`] };
}

/** A goal of the form "value ≥ / ≤ / < target". */
export function compareGoal(name: string, value: number, op: '≥' | '≤' | '<', target: number, unit = ''): Goal {
  const met = Number.isFinite(value) && (op === '≥' ? value >= target : op === '≤' ? value <= target : value < target);
  return { name, actual: `${formatNumber(value)}${unit}`, target: `${op} ${formatNumber(target)}${unit}`, met };
}

export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

/** a / b rounded for reports (NaN when b is 0). */
export function ratio(a: number, b: number): number {
  return b === 0 ? Number.NaN : Math.round((a / b) * 1000) / 1000;
}
