import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import type pg from 'pg';
import { requireBook } from '../books/book.service.ts';
import { requireAdmin } from '../shared/access.ts';
import { announceCommitted } from '../shared/announce.ts';
import type { ServiceContext } from '../shared/context.ts';
import { badInput, DomainError, isDomainError, notFound } from '../shared/errors.ts';
import { type CodeJobProgress, emitCodeJobProgress } from './code-job.events.ts';
import { CodeJobLeaseLost, type CodeJobRunOptions, startCodeJobHeartbeat } from './code-job.heartbeat.ts';
import { endFailedRun, jobAfterLostLease } from './code-job.end.ts';
import { type LeasedCodeJob, startCodeJob } from './code-job.repository.ts';
import { trackCodeJob } from './code.generate.ts';
import {
  COPY_INTO_STAGE,
  CREATE_STAGE,
  completeImportInTransaction,
  countFileIssues,
  indexStage,
  mergeChunk,
  recordFileIssues,
  saveImportProgress,
} from './code.import.sql.ts';
import { ImportCsvError, ImportRowEncoder, ImportTooLarge } from './code.import.stream.ts';

/** Distinct codes per merge statement (one CREATED_BULK event and one progress write each). */
export const IMPORT_CHUNK_SIZE = 50_000;

/** How a streamed import runs: the heartbeat period, and when the caller gets its answer. */
export interface ImportCodesOptions extends CodeJobRunOptions {
  /** Lines between two progress writes while the file arrives (default 100,000). */
  progressEveryLines?: number;
}

/** A started import: its job id at once, the file's counts once staged, the outcome at the end. */
export interface ImportRun {
  jobId: string;
  /** Resolves when the whole body is read and staged (rejects like `finished` when it is not). */
  staged: Promise<CodeJobProgress>;
  /**
   * Resolves with the job as it ended (COMPLETED or CANCELLED); rejects with the failure (the job
   * is FAILED), NOT_FOUND when a deleteBook took the book (and the job) before the import landed.
   */
  finished: Promise<CodeJobProgress>;
}

/**
 * Imports codes into a book from a stream of CSV (ADMIN): `POST /import/books/:bookId/codes`.
 * The body goes through a streaming CSV parser into `COPY … FROM STDIN` of a temporary staging
 * table, then is merged into `coupon` in chunks of {@link IMPORT_CHUNK_SIZE} codes, all in ONE
 * transaction: the API holds a batch of rows at a time whatever the file's size, and the book gets
 * every valid code of the file or, after a failure, a cancel or the process's death, none of them.
 * Why all-or-nothing rather than a resumable job: the file lives only in the request, so an
 * import that stops half-way cannot be resumed without storing it first, and a book left with half
 * a file is the worse outcome; retrying a failed import is safe (it only adds what is missing).
 * Lines are read as `uploadCodes(csv:)` reads them; invalid lines, repeats within the file and
 * codes that already exist are recorded in `code_job_issue` (the full report) in the same
 * transaction. Progress goes to the job row (every instance's `codeJob`) as the file arrives and
 * after each merged chunk; each write also checks that the job was not cancelled.
 */
export async function importCodes(ctx: ServiceContext, bookId: string, body: Readable, options: ImportCodesOptions = {}): Promise<ImportRun> {
  requireAdmin(ctx);
  const book = await requireBook(ctx, bookId, 'bookId');
  const job = await startCodeJob(ctx, book.id, 'UPLOAD', 0);
  let markStaged: (progress: CodeJobProgress) => void = () => {};
  const staged = new Promise<CodeJobProgress>((resolve) => {
    markStaged = resolve;
  });
  const finished = runImport(ctx, job, body, options, (progress) => markStaged(progress));
  trackCodeJob(finished.catch(() => undefined));
  // Until staged, `staged` fails with the import; afterwards it has resolved and ignores it.
  const stagedOrFailed = Promise.race([staged, finished]);
  stagedOrFailed.catch(() => undefined);
  finished.catch(() => undefined);
  return { jobId: job.progress.jobId, staged: stagedOrFailed, finished };
}

async function runImport(
  ctx: ServiceContext,
  job: LeasedCodeJob,
  body: Readable,
  options: ImportCodesOptions,
  onStaged: (progress: CodeJobProgress) => void,
): Promise<CodeJobProgress> {
  const heartbeat = startCodeJobHeartbeat(ctx, job.lease, options);
  let progress = job.progress;
  const save = async (next: CodeJobProgress) => {
    progress = next;
    if (heartbeat.lost || !(await saveImportProgress(ctx.db.pool, job.lease, next))) throw new CodeJobLeaseLost(job.lease.jobId);
    emitCodeJobProgress(next);
  };
  const client = await ctx.db.pool.connect();
  let broken = false;
  try {
    await client.query('BEGIN');
    await client.query(CREATE_STAGE);
    const counts = await stageFile(client, body, options, (lines, invalid) => save({ ...progress, total: lines, invalid }));
    await indexStage(client);
    // Counted now, written after the first merge: until that merge locks the book, the transaction
    // holds no lock on the book or its job, and from then on it takes the book before the job
    // (an issue's foreign key), as deleteBook does: no deadlock (see mergeChunk).
    const issues = await countFileIssues(client);
    await save({ ...progress, total: counts.lines, invalid: issues.invalid, duplicates: issues.duplicatesInFile, processed: issues.invalid + issues.duplicatesInFile });
    onStaged(progress);
    const eventIds: string[] = [];
    let after = '';
    for (;;) {
      const chunk = await mergeChunk(client, { jobId: job.progress.jobId, bookId: job.progress.bookId, actorId: job.createdById }, after, IMPORT_CHUNK_SIZE);
      if (!chunk.bookFound) throw notFound('Book', job.progress.bookId);
      if (chunk.size === 0) break;
      if (chunk.eventId) eventIds.push(chunk.eventId);
      after = chunk.last as string;
      const existing = chunk.size - chunk.inserted;
      await save({ ...progress, processed: progress.processed + chunk.size, inserted: progress.inserted + chunk.inserted, duplicates: progress.duplicates + existing });
    }
    await recordFileIssues(client, job.progress.jobId);
    const final: CodeJobProgress = { ...progress, status: 'COMPLETED' };
    if (!(await completeImportInTransaction(client, job.lease, final, ctx.clock.now()))) throw new CodeJobLeaseLost(job.lease.jobId);
    await client.query('COMMIT');
    announceCommitted(ctx, eventIds);
    emitCodeJobProgress(final);
    return final;
  } catch (error) {
    broken = await client.query('ROLLBACK').then(() => false, () => true);
    return await endFailedImport(ctx, job, progress, error);
  } finally {
    client.release(broken);
    heartbeat.stop();
  }
}

/** Streams the body into the staging table; rejects with a DomainError for input that is not a usable CSV. */
async function stageFile(
  client: pg.PoolClient,
  body: Readable,
  options: ImportCodesOptions,
  onProgress: (lines: number, invalid: number) => Promise<void>,
): Promise<{ lines: number; invalid: number }> {
  const encoder = new ImportRowEncoder((counts) => onProgress(counts.lines, counts.invalid), options.progressEveryLines);
  try {
    await pipeline(body, encoder, client.query(copyFrom(COPY_INTO_STAGE)));
  } catch (error) {
    if (error instanceof ImportCsvError) throw badInput('file', `malformed CSV: ${error.message}`);
    if (error instanceof ImportTooLarge) throw badInput('file', error.message);
    if ((error as { code?: string }).code === 'ERR_STREAM_PREMATURE_CLOSE' || (error as { code?: string }).code === 'ECONNRESET') {
      throw new DomainError('BAD_USER_INPUT', 'file: the upload stopped before the whole file arrived (cancelled, or the connection dropped); nothing was inserted', { field: 'file' });
    }
    throw error;
  }
  return { ...encoder.counts };
}

/**
 * After a rollback: a cancelled (or taken-over) job keeps the status its canceller wrote and is
 * returned; a job deleted with its book answers NOT_FOUND; any other failure ends the job FAILED
 * with a user-facing message and is rethrown. Watchers get a FAILED snapshot in both failures.
 */
async function endFailedImport(ctx: ServiceContext, job: LeasedCodeJob, progress: CodeJobProgress, caught: unknown): Promise<CodeJobProgress> {
  if (caught instanceof CodeJobLeaseLost) return jobAfterLostLease(ctx, 'import', job, progress);
  await endFailedRun(ctx, job, progress, isDomainError(caught) ? caught.message : 'The import failed; nothing was inserted');
  throw caught;
}
