import { EventEmitter } from 'node:events';

export type CodeJobKind = 'GENERATE' | 'UPLOAD';
export type CodeJobStatus = 'RUNNING' | 'COMPLETED' | 'FAILED' | 'CANCELLED';

/** A snapshot of a code job: what the `codeJob(jobId)` subscription sends. */
export interface CodeJobProgress {
  jobId: string;
  bookId: string;
  kind: CodeJobKind;
  status: CodeJobStatus;
  /** Codes requested (generate) or lines received (upload; grows while a streamed file arrives). */
  total: number;
  /** Codes attempted so far (generate: including collisions that were topped up). */
  processed: number;
  inserted: number;
  duplicates: number;
  invalid: number;
  /** Why a FAILED job failed (a safe, user-facing message). */
  error: string | null;
}

/**
 * In-process progress of code jobs, emitted after each committed chunk and on completion or
 * failure (so a listener never sees progress that rolled back, except an upload's chunks, which
 * commit together at the end: their final COMPLETED/FAILED event is the one that counts).
 * Event name: `progress`, payload {@link CodeJobProgress}. Another API instance does not see
 * these: the live-events module reads the `code_job` row (`getCodeJob`) to catch up.
 */
export const codeJobProgress = new EventEmitter<{ progress: [CodeJobProgress] }>();
// Every open `codeJob` subscription adds a listener; the default cap of 10 would warn.
codeJobProgress.setMaxListeners(0);

/** Subscribes to progress of one job (or every job with `jobId` null); returns the unsubscribe. */
export function onCodeJobProgress(jobId: string | null, listener: (progress: CodeJobProgress) => void): () => void {
  const filtered = (progress: CodeJobProgress) => {
    if (jobId === null || progress.jobId === jobId) listener(progress);
  };
  codeJobProgress.on('progress', filtered);
  return () => codeJobProgress.off('progress', filtered);
}

/** Emits a snapshot; a throwing listener must not break the job, so errors are swallowed. */
export function emitCodeJobProgress(progress: CodeJobProgress): void {
  for (const listener of codeJobProgress.listeners('progress')) {
    try {
      listener({ ...progress });
    } catch {
      // A subscriber's bug is not the job's failure.
    }
  }
}
