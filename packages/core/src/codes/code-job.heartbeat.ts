import type { ServiceContext } from '../shared/context.ts';
import { renewCodeJobHeartbeat } from './code-job.repository.ts';
import type { JobLease } from './code.insert.ts';

/** How a process runs its code jobs; the API passes `CODE_JOB_HEARTBEAT_INTERVAL_MS`. */
export interface CodeJobRunOptions {
  /** How often a running job renews `code_job.heartbeat_at` (besides with every chunk). */
  heartbeatIntervalMs?: number;
  /** Hears heartbeat failures (the database away for a moment); the next beat retries. */
  onError?: (error: unknown) => void;
}

/** Default heartbeat period: a few seconds, well under the default stale threshold (30 s). */
export const DEFAULT_HEARTBEAT_INTERVAL_MS = 5_000;

/** Thrown inside a run that has lost its lease: another process has taken the job over. */
export class CodeJobLeaseLost extends Error {
  constructor(readonly jobId: string) {
    super(`code job ${jobId} was taken over by another process`);
    this.name = 'CodeJobLeaseLost';
  }
}

/** A running heartbeat: `lost` turns true once the database says the run no longer holds the job. */
export interface CodeJobHeartbeat {
  readonly lost: boolean;
  stop(): void;
}

/**
 * Renews the job's heartbeat every `heartbeatIntervalMs` while the run lasts, on a timer of its
 * own, so that a long chunk or a slow database does not make a live job look dead. A failed
 * renewal (database unreachable) is reported and retried at the next beat; a renewal that finds
 * the lease gone sets `lost`, and the run stops at its next chunk.
 */
export function startCodeJobHeartbeat(ctx: ServiceContext, lease: JobLease, options: CodeJobRunOptions = {}): CodeJobHeartbeat {
  let lost = false;
  let beating = false;
  const timer = setInterval(() => {
    if (beating || lost) return; // a slow beat is not stacked up behind
    beating = true;
    renewCodeJobHeartbeat(ctx, lease)
      .then((held) => {
        if (!held) lost = true;
      })
      .catch((error: unknown) => options.onError?.(error))
      .finally(() => {
        beating = false;
      });
  }, options.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS);
  timer.unref();
  return {
    get lost() {
      return lost;
    },
    stop: () => clearInterval(timer),
  };
}
