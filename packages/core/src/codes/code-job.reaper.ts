import type { ServiceContext } from '../shared/context.ts';
import { type CodeJobKind, emitCodeJobProgress } from './code-job.events.ts';
import { type CodeJobRunOptions, DEFAULT_HEARTBEAT_INTERVAL_MS } from './code-job.heartbeat.ts';
import { claimStaleCodeJobs, finishCodeJobRun, type LeasedCodeJob } from './code-job.repository.ts';
import { resumeLeasedGeneration } from './code.generate.ts';
import { failImport } from './code.import.sql.ts';

/**
 * Runs a job may have in all before the reaper stops resuming it and fails it instead: a job that
 * takes down every process that runs it (memory, a bug) must not take down the whole fleet one
 * instance after another. The admin can still resume it (`resumeCodeJob`).
 */
export const MAX_AUTOMATIC_RUNS = 3;

export interface CodeJobReaperOptions extends CodeJobRunOptions {
  /** A RUNNING job whose heartbeat is older than this is taken over (`CODE_JOB_STALE_AFTER_MS`). */
  staleAfterMs: number;
  /** How often to look for stale jobs (default: the heartbeat interval). */
  intervalMs?: number;
  /** Hears each job taken over, and what became of it. */
  onReaped?: (job: ReapedCodeJob) => void;
}

/** A stale job the reaper took over: RESUMED in this process, or FAILED. */
export interface ReapedCodeJob {
  jobId: string;
  kind: CodeJobKind;
  outcome: 'RESUMED' | 'FAILED';
  /** Codes of the job in the book when it was taken over. */
  inserted: number;
  /** Runs so far, the resumed one included. */
  attempts: number;
}

/**
 * Takes over the code jobs whose process died (no heartbeat for `staleAfterMs`) and decides:
 * - a GENERATE job is RESUMED here: its chunks committed with its counters, so the new run
 *   starts from exactly the codes in the book and generates the rest (live progress goes on
 *   through `codeJob`, announced by this process);
 * - an UPLOAD job is FAILED: its codes go in one transaction that died with the process (so
 *   `inserted` is set back to 0), and the file is not stored, so only the admin can send it again;
 * - a GENERATE job past {@link MAX_AUTOMATIC_RUNS}, or without a usable stored pattern, is
 *   FAILED with the number of codes it inserted; the admin may resume it.
 * Safe in every process at once (see `claimStaleCodeJobs`).
 */
export async function reapStaleCodeJobs(ctx: ServiceContext, options: CodeJobReaperOptions): Promise<ReapedCodeJob[]> {
  const claimed = await claimStaleCodeJobs(ctx, options.staleAfterMs);
  const reaped: ReapedCodeJob[] = [];
  for (const job of claimed) {
    const outcome = await takeOver(ctx, job, options);
    // An upload's codes died with its transaction, whatever progress it had written.
    const inserted = job.progress.kind === 'UPLOAD' ? 0 : job.progress.inserted;
    const result = { jobId: job.progress.jobId, kind: job.progress.kind, outcome, inserted, attempts: job.attempts };
    reaped.push(result);
    options.onReaped?.(result);
  }
  return reaped;
}

async function takeOver(ctx: ServiceContext, job: LeasedCodeJob, options: CodeJobReaperOptions): Promise<ReapedCodeJob['outcome']> {
  const { inserted } = job.progress;
  if (job.progress.kind === 'UPLOAD') {
    // `inserted` back to 0: a streamed import writes its merge's progress as it goes, and none of it committed.
    const error = 'The API process running this upload stopped before it committed; nothing was inserted. Upload the file again.';
    if (await failImport(ctx.db.pool, job.lease, error, ctx.clock.now())) emitCodeJobProgress({ ...job.progress, status: 'FAILED', inserted: 0, error });
    return 'FAILED';
  }
  if (job.attempts > MAX_AUTOMATIC_RUNS) {
    await finishCodeJobRun(ctx, job.lease, 'FAILED', `The job stopped with its process ${job.attempts - 1} times; ${inserted} codes were inserted. Resume it with resumeCodeJob.`);
    return 'FAILED';
  }
  if (resumeLeasedGeneration(ctx, job, options)) return 'RESUMED';
  await finishCodeJobRun(ctx, job.lease, 'FAILED', `The API process running this job stopped; ${inserted} codes were inserted. Start a new job for the rest.`);
  return 'FAILED';
}

/**
 * Runs {@link reapStaleCodeJobs} every `intervalMs` (default: the heartbeat interval) until
 * stopped, like the lock sweeper: one per API process, errors reported, not fatal. Stopping
 * waits for a pass in progress; runs it resumed are background code jobs (`waitForRunningCodeJobs`).
 */
export function startCodeJobReaper(ctx: ServiceContext, options: CodeJobReaperOptions): { stop(): Promise<void> } {
  let running: Promise<unknown> | null = null;
  let stopped = false;
  const tick = () => {
    if (stopped || running) return; // a slow pass is not stacked up behind
    running = reapStaleCodeJobs(ctx, options)
      .catch((error: unknown) => options.onError?.(error))
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(tick, options.intervalMs ?? options.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS);
  timer.unref();
  // At once too: a process that starts after a crash picks up the jobs that were stale already.
  tick();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
