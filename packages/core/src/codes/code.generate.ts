import { requireAdmin } from '../auth/access.ts';
import { requireBook } from '../books/book.service.ts';
import type { ServiceContext } from '../shared/context.ts';
import { isDomainError } from '../shared/errors.ts';
import type { CodeJobProgress, CodeJobStatus } from './code-job.events.ts';
import { saveCodeJobProgress, startCodeJob } from './code-job.repository.ts';
import { type CodePattern, type GenerateCodesInput, validateGenerateCodes } from './code.generate.input.ts';
import { insertUntilComplete } from './code.generate.chunks.ts';

/** What `generateCodes` returns: the job, and how far it got when the call returned. */
export interface GenerateCodesResult {
  jobId: string;
  status: CodeJobStatus;
  requested: number;
  generated: number;
}

const runningJobs = new Set<Promise<unknown>>();

/**
 * Generates `count` random codes into a book (ADMIN), in chunks that commit one by one, with
 * progress in `code_job` and on `codeJobProgress`. Collisions (with any book's codes) are
 * topped up until `count` new codes exist. With `waitForCompletion: false` it returns at once
 * with status RUNNING and the job continues in the background; a failure then ends the job
 * FAILED instead of failing the call. Memory stays at a few chunks whatever the count.
 */
export async function generateCodes(
  ctx: ServiceContext,
  bookId: string,
  input: GenerateCodesInput & { waitForCompletion?: boolean | null },
): Promise<GenerateCodesResult> {
  requireAdmin(ctx);
  const pattern = validateGenerateCodes(input);
  const book = await requireBook(ctx, bookId, 'bookId');
  const job = await startCodeJob(ctx, book.id, 'GENERATE', pattern.count);
  const finished = runJob(ctx, job, pattern);
  if (input.waitForCompletion === false) {
    track(finished);
    return { jobId: job.jobId, status: 'RUNNING', requested: pattern.count, generated: 0 };
  }
  const final = await finished;
  if (final.status === 'FAILED' && final.failure) throw final.failure;
  return { jobId: job.jobId, status: final.status, requested: pattern.count, generated: final.inserted };
}

/** Resolves when every background job of this process has finished (for shutdown and tests). */
export async function waitForRunningCodeJobs(): Promise<void> {
  while (runningJobs.size > 0) await Promise.allSettled([...runningJobs]);
}

function track(promise: Promise<unknown>): void {
  runningJobs.add(promise);
  void promise.finally(() => runningJobs.delete(promise));
}

/** Runs the job to its end; never rejects (a failure is recorded on the job and returned). */
async function runJob(
  ctx: ServiceContext,
  job: CodeJobProgress,
  pattern: CodePattern,
): Promise<CodeJobProgress & { failure?: unknown }> {
  let progress = job;
  try {
    progress = await insertUntilComplete(ctx, job, pattern);
    progress = { ...progress, status: 'COMPLETED' };
    await saveCodeJobProgress(ctx, progress);
    return progress;
  } catch (failure) {
    const error = isDomainError(failure) ? failure.message : 'Code generation failed; codes inserted so far are kept';
    progress = { ...progress, status: 'FAILED', error };
    await saveCodeJobProgress(ctx, progress).catch(() => {});
    return { ...progress, failure };
  }
}
