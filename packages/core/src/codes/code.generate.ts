import { requireAdmin } from '../auth/access.ts';
import { requireBook } from '../books/book.service.ts';
import type { ServiceContext } from '../shared/context.ts';
import { DomainError, isDomainError } from '../shared/errors.ts';
import { computeCheckCharacter } from './check-character.ts';
import type { CodeJobProgress, CodeJobStatus } from './code-job.events.ts';
import { saveCodeJobProgress, startCodeJob } from './code-job.repository.ts';
import { type CodePattern, type GenerateCodesInput, validateGenerateCodes } from './code.generate.input.ts';
import { insertCodes } from './code.insert.ts';
import { RandomCodeSource } from './code.random.ts';

/** What `generateCodes` returns: the job, and how far it got when the call returned. */
export interface GenerateCodesResult {
  jobId: string;
  status: CodeJobStatus;
  requested: number;
  generated: number;
}

/** Codes per chunk: each chunk is one INSERT statement and one committed transaction. */
export const GENERATE_CHUNK_SIZE = 50_000;
/**
 * The pattern space counts as used up after at least 3 chunks in a row and 1,000 codes in a row
 * where fewer than 5% of each chunk was new. Small top-up chunks on a nearly full space take
 * many tries, so one unlucky chunk must not end the job.
 */
const MIN_CHUNK_YIELD = 0.05;
const FRUITLESS_CHUNKS = 3;
const FRUITLESS_CODES = 1_000;

const runningJobs = new Set<Promise<unknown>>();

/**
 * Generates `count` random codes into a book (ADMIN), in chunks that commit one by one, with
 * progress in `code_job` and on `codeJobProgress`. Collisions (with any book's codes) are
 * topped up until `count` new codes exist. With `waitForCompletion: false` it returns at once
 * with status RUNNING and the job continues in the background; a failure then ends the job
 * FAILED instead of failing the call. Memory stays at about two chunks whatever the count.
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

/**
 * The chunk loop. The next chunk is generated while the database inserts the current one
 * (generation is CPU, the insert is I/O), which roughly hides the generation time.
 */
async function insertUntilComplete(ctx: ServiceContext, job: CodeJobProgress, pattern: CodePattern): Promise<CodeJobProgress> {
  const source = new RandomCodeSource(pattern.charset);
  const actorId = ctx.caller?.userId ?? null;
  let progress = job;
  let fruitless = { chunks: 0, codes: 0 };
  let next: string[] | null = makeChunk(source, pattern, Math.min(GENERATE_CHUNK_SIZE, pattern.count));
  while (next) {
    const chunk: string[] = next;
    const pending = insertCodes(ctx.db.pool, job.bookId, chunk, actorId);
    const planned = progress.inserted + chunk.length;
    next = planned < pattern.count ? makeChunk(source, pattern, Math.min(GENERATE_CHUNK_SIZE, pattern.count - planned)) : null;
    const inserted = await pending;
    progress = {
      ...progress,
      processed: progress.processed + chunk.length,
      inserted: progress.inserted + inserted,
      duplicates: progress.duplicates + chunk.length - inserted,
    };
    await saveCodeJobProgress(ctx, progress);
    fruitless = inserted < chunk.length * MIN_CHUNK_YIELD
      ? { chunks: fruitless.chunks + 1, codes: fruitless.codes + chunk.length }
      : { chunks: 0, codes: 0 };
    if (fruitless.chunks >= FRUITLESS_CHUNKS && fruitless.codes >= FRUITLESS_CODES) {
      throw new DomainError(
        'BAD_USER_INPUT',
        `length: the pattern space is used up (${progress.inserted} of ${pattern.count} codes made); use a longer length or another prefix`,
        { field: 'length' },
      );
    }
    if (!next && progress.inserted < pattern.count) {
      next = makeChunk(source, pattern, Math.min(GENERATE_CHUNK_SIZE, pattern.count - progress.inserted));
    }
  }
  return progress;
}

/** `size` distinct codes (distinct within the chunk), sorted so concurrent inserts take index locks in one order. */
export function makeChunk(source: RandomCodeSource, pattern: CodePattern, size: number): string[] {
  const codes = new Set<string>();
  while (codes.size < size) codes.add(makeCode(source, pattern));
  return [...codes].sort();
}

/** One code: prefix + random part + suffix (+ check character over all of it). */
export function makeCode(source: RandomCodeSource, pattern: CodePattern): string {
  const payload = pattern.prefix + source.next(pattern.length) + pattern.suffix;
  if (!pattern.checkCharacter) return payload;
  return payload + (computeCheckCharacter(payload, pattern.charset) as string);
}
