import { requireAdmin } from '../shared/access.ts';
import { requireBook } from '../books/book.service.ts';
import type { ServiceContext } from '../shared/context.ts';
import { badInput, isDomainError, notFound } from '../shared/errors.ts';
import { requireUuid } from '../shared/validation.ts';
import { type CodeJobProgress, type CodeJobStatus, emitCodeJobProgress } from './code-job.events.ts';
import { CodeJobLeaseLost, type CodeJobRunOptions, startCodeJobHeartbeat } from './code-job.heartbeat.ts';
import { finishCodeJobRun, getCodeJob, type LeasedCodeJob, reopenFailedCodeJob, startCodeJob } from './code-job.repository.ts';
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
 * The pattern is stored with the job, and the run beats a heartbeat: if this process dies, a
 * reaper in another (or the restarted) process resumes the job (see `code-job.reaper.ts`).
 */
export async function generateCodes(
  ctx: ServiceContext,
  bookId: string,
  input: GenerateCodesInput & { waitForCompletion?: boolean | null },
  options: CodeJobRunOptions = {},
): Promise<GenerateCodesResult> {
  requireAdmin(ctx);
  const pattern = validateGenerateCodes(input);
  const book = await requireBook(ctx, bookId, 'bookId');
  const job = await startCodeJob(ctx, book.id, 'GENERATE', pattern.count, storedPattern(pattern));
  const finished = runGeneration(ctx, job, pattern, options);
  if (input.waitForCompletion === false) {
    track(finished);
    return { jobId: job.progress.jobId, status: 'RUNNING', requested: pattern.count, generated: 0 };
  }
  const final = await finished;
  if (final.status === 'FAILED' && final.failure) throw final.failure;
  return { jobId: final.jobId, status: final.status, requested: pattern.count, generated: final.inserted };
}

/**
 * Resumes a FAILED generation job (ADMIN): the codes it inserted stay in the book, and a new run
 * in the background generates the rest, until the count first requested exists. Returns at once
 * with status RUNNING; follow `codeJob(jobId)`. BAD_USER_INPUT unless the job is a FAILED
 * generation job (a running or completed job, or an upload, cannot be resumed).
 */
export async function resumeCodeJob(ctx: ServiceContext, jobId: string, options: CodeJobRunOptions = {}): Promise<GenerateCodesResult> {
  requireAdmin(ctx);
  const id = requireUuid('jobId', jobId);
  const job = await reopenFailedCodeJob(ctx, id);
  if (!job) {
    const current = await getCodeJob(ctx, id);
    if (!current) throw notFound('Code job', id);
    const what = current.kind === 'UPLOAD' ? 'an upload (upload the file again)' : `${current.status}`;
    throw badInput('jobId', `only a FAILED generate job can be resumed; this job is ${what}`);
  }
  const started = resumeLeasedGeneration(ctx, job, options);
  if (!started) throw badInput('jobId', 'the stored pattern of this job is not valid any more; start a new job');
  return started;
}

/**
 * Runs a job this process has just claimed (a reaper's takeover, or an admin's resume) in the
 * background, from the counters stored in the row. Returns null, and leaves the job as it is,
 * when the row holds no valid pattern: the caller fails it.
 */
export function resumeLeasedGeneration(
  ctx: ServiceContext,
  job: LeasedCodeJob,
  options: CodeJobRunOptions = {},
): GenerateCodesResult | null {
  const pattern = patternOf(job);
  if (!pattern) return null;
  track(runGeneration(ctx, job, pattern, options));
  return { jobId: job.progress.jobId, status: 'RUNNING', requested: pattern.count, generated: job.progress.inserted };
}

/** Resolves when every background job of this process has finished (for shutdown and tests). */
export async function waitForRunningCodeJobs(): Promise<void> {
  while (runningJobs.size > 0) await Promise.allSettled([...runningJobs]);
}

/** Counts a background job of this process (an import's merge) in {@link waitForRunningCodeJobs}. */
export function trackCodeJob(promise: Promise<unknown>): void {
  track(promise);
}

function track(promise: Promise<unknown>): void {
  runningJobs.add(promise);
  void promise.finally(() => runningJobs.delete(promise));
}

/** What is stored in `code_job.params` (the count is the row's `total`). */
function storedPattern(pattern: CodePattern) {
  const { prefix, suffix, length, charset, checkCharacter } = pattern;
  return { prefix, suffix, length, charset, checkCharacter };
}

/** The stored pattern, validated again (a row is input too), or null when it is not usable. */
function patternOf(job: LeasedCodeJob): CodePattern | null {
  if (job.progress.kind !== 'GENERATE' || typeof job.params !== 'object' || job.params === null) return null;
  try {
    return validateGenerateCodes({ ...(job.params as Partial<GenerateCodesInput>), count: job.progress.total });
  } catch {
    return null;
  }
}

/**
 * Runs the job to its end; never rejects (a failure is recorded on the job and returned). A run
 * that loses its lease (another process took the job over) stops and writes nothing more: it
 * returns the job as RUNNING, since it goes on elsewhere.
 */
async function runGeneration(
  ctx: ServiceContext,
  job: LeasedCodeJob,
  pattern: CodePattern,
  options: CodeJobRunOptions,
): Promise<CodeJobProgress & { failure?: unknown }> {
  const heartbeat = startCodeJobHeartbeat(ctx, job.lease, options);
  const run = { progress: job.progress, lease: job.lease, actorId: job.createdById, isLost: () => heartbeat.lost };
  let progress = job.progress;
  try {
    progress = await insertUntilComplete(ctx, run, pattern);
    const finished = await finishCodeJobRun(ctx, job.lease, 'COMPLETED', null);
    if (finished) return finished;
    // Every chunk committed, then a cancel (the job says CANCELLED) or a deleteBook (no job: the
    // codes went with the book, after the run: COMPLETED) came before this write. Never RUNNING.
    const current = await getCodeJob(ctx, job.lease.jobId);
    if (current) return current;
    emitCodeJobProgress({ ...progress, status: 'COMPLETED' });
    return { ...progress, status: 'COMPLETED' };
  } catch (failure) {
    // Taken over (it goes on elsewhere: RUNNING) or cancelled (the row says so).
    if (failure instanceof CodeJobLeaseLost) return (await getCodeJob(ctx, job.lease.jobId).catch(() => null)) ?? { ...progress, status: 'RUNNING' };
    const error = isDomainError(failure) ? failure.message : 'Code generation failed; codes inserted so far are kept';
    const failed = await finishCodeJobRun(ctx, job.lease, 'FAILED', error).catch(() => null);
    if (!failed) emitCodeJobProgress({ ...progress, status: 'FAILED', error });
    return { ...(failed ?? { ...progress, status: 'FAILED', error }), failure };
  } finally {
    heartbeat.stop();
  }
}
