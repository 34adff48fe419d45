import { findBook } from '../books/book.service.ts';
import type { ServiceContext } from '../shared/context.ts';
import { DomainError, notFound } from '../shared/errors.ts';
import { type CodeJobProgress, emitCodeJobProgress } from './code-job.events.ts';
import { getCodeJob, type LeasedCodeJob } from './code-job.repository.ts';
import { failImport } from './code.import.sql.ts';

// How an upload or import run ends after its rollback, when its job may be gone: deleteBook
// deletes the book's jobs with it (ON DELETE CASCADE), so a run that raced a delete finds no row
// to end. The answers are those of the serial order "delete, then upload": NOT_FOUND for the
// book — never a CANCELLED nobody asked for, nor a raw foreign-key error.

/**
 * Ends a failed run: the job FAILED with `message` (guarded by the lease and RUNNING, so a job
 * cancelled meanwhile keeps CANCELLED), and a FAILED snapshot for its live watchers. The snapshot
 * also goes out when the row went with its book: the run did end, and a `codeJob` stream must
 * not be left on RUNNING for ever.
 */
export async function endFailedRun(ctx: ServiceContext, job: LeasedCodeJob, progress: CodeJobProgress, message: string): Promise<void> {
  const ended = await failImport(ctx.db.pool, job.lease, message, ctx.clock.now()).catch(() => false);
  const gone = !ended && (await getCodeJob(ctx, job.lease.jobId).catch(() => undefined)) === null;
  if (ended || gone) emitCodeJobProgress({ ...progress, status: 'FAILED', inserted: 0, error: message });
}

/**
 * The job as another party left it after the run lost it (a cancel: CANCELLED). When the row is
 * gone, the book went with it: FAILED for the watchers, then NOT_FOUND. Any other ending
 * (a reaper that took the run for dead) is INVALID_STATE. Nothing was inserted in any case.
 */
export async function jobAfterLostLease(
  ctx: ServiceContext,
  run: 'upload' | 'import',
  job: LeasedCodeJob,
  progress: CodeJobProgress,
): Promise<CodeJobProgress> {
  const current = await getCodeJob(ctx, job.lease.jobId);
  if (current?.status === 'CANCELLED') return current;
  if (current === null) {
    const error = await bookGoneError(ctx, progress.bookId);
    const message = error?.message ?? 'The job no longer exists; nothing was inserted';
    emitCodeJobProgress({ ...progress, status: 'FAILED', inserted: 0, error: message });
    if (error) throw error;
  }
  throw new DomainError('INVALID_STATE', `The ${run} was stopped by another process; nothing was inserted`, {});
}

/** NOT_FOUND for the book when it no longer exists, else undefined. */
async function bookGoneError(ctx: ServiceContext, bookId: string): Promise<DomainError | undefined> {
  return (await findBook(ctx, bookId, 'bookId')) ? undefined : notFound('Book', bookId);
}
