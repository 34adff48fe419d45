import type { CodeJob } from '@coupons/db';
import type { ServiceContext } from '../shared/context.ts';
import { requireUuid } from '../shared/validation.ts';
import { type CodeJobKind, type CodeJobProgress, emitCodeJobProgress } from './code-job.events.ts';

/** Creates the `code_job` row (status RUNNING) and announces it. */
export async function startCodeJob(
  ctx: ServiceContext,
  bookId: string,
  kind: CodeJobKind,
  total: number,
): Promise<CodeJobProgress> {
  const row = await ctx.db.prisma.codeJob.create({
    data: { bookId, kind, total, createdById: ctx.caller?.userId ?? null },
  });
  const progress = toProgress(row);
  emitCodeJobProgress(progress);
  return progress;
}

/**
 * Stores and announces progress. Terminal states also set `finished_at`. The row is written
 * outside any chunk transaction (autocommit), so other instances can poll it while a job runs.
 */
export async function saveCodeJobProgress(ctx: ServiceContext, progress: CodeJobProgress): Promise<void> {
  const finished = progress.status !== 'RUNNING';
  await ctx.db.prisma.codeJob.update({
    where: { id: progress.jobId },
    data: {
      status: progress.status,
      processed: progress.processed,
      inserted: progress.inserted,
      duplicates: progress.duplicates,
      invalid: progress.invalid,
      error: progress.error,
      ...(finished ? { finishedAt: ctx.clock.now() } : {}),
    },
  });
  emitCodeJobProgress(progress);
}

/**
 * A job's latest stored progress, or null: the `codeJob` query, and the subscription's first
 * message and catch-up on an instance that is not running the job. No role check here: the
 * live-event feed calls it with a system context, and both root fields are `@Authorized('ADMIN')`.
 */
export async function getCodeJob(ctx: ServiceContext, jobId: string): Promise<CodeJobProgress | null> {
  const row = await ctx.db.prisma.codeJob.findUnique({ where: { id: requireUuid('jobId', jobId) } });
  return row ? toProgress(row) : null;
}

function toProgress(row: CodeJob): CodeJobProgress {
  return {
    jobId: row.id,
    bookId: row.bookId,
    kind: row.kind,
    status: row.status,
    total: row.total,
    processed: row.processed,
    inserted: row.inserted,
    duplicates: row.duplicates,
    invalid: row.invalid,
    error: row.error,
  };
}
