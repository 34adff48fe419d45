import type { Readable } from 'node:stream';
import { requireAdmin } from '../shared/access.ts';
import { requireBook } from '../books/book.service.ts';
import { announceCommitted } from '../shared/announce.ts';
import type { ServiceContext } from '../shared/context.ts';
import { badInput, isDomainError } from '../shared/errors.ts';
import { type CodeJobProgress, emitCodeJobProgress } from './code-job.events.ts';
import { type CodeJobHeartbeat, CodeJobLeaseLost, type CodeJobRunOptions, startCodeJobHeartbeat } from './code-job.heartbeat.ts';
import { endFailedRun, jobAfterLostLease } from './code-job.end.ts';
import { type LeasedCodeJob, startCodeJob } from './code-job.repository.ts';
import type { CodeLineIssue } from './code.format.ts';
import { importCodes } from './code.import.ts';
import { getImportReport } from './code.import.report.ts';
import { completeImportInTransaction } from './code.import.sql.ts';
import { holdBookForInserts, insertCodesReportingExisting, withPgTransaction } from './code.insert.ts';
import { classifyUploadLines, MAX_REPORTED_ISSUES, readUploadLines } from './code.upload.parse.ts';

/** Arguments of `uploadCodes`: exactly one of `codes`, `csv` and `file`. */
export interface UploadCodesArgs {
  bookId: string;
  codes?: readonly string[] | null;
  csv?: string | null;
  /** A CSV file as a stream (`uploadCodes(file:)`): imported as `importCodes` imports a request body. */
  file?: Readable | null;
}

/** What an upload did, line by line. Issue lists are cut at {@link MAX_REPORTED_ISSUES}; the counts are exact. */
export interface UploadCodesResult {
  jobId: string;
  inserted: number;
  duplicates: CodeLineIssue[];
  invalid: CodeLineIssue[];
  duplicateCount: number;
  invalidCount: number;
  /** The job as the upload ended (COMPLETED; a file's import may also end CANCELLED, nothing inserted). */
  job: CodeJobProgress;
}

/** Valid codes per INSERT statement inside the upload's transaction. */
export const UPLOAD_CHUNK_SIZE = 50_000;

/**
 * Uploads codes into a book (ADMIN). Lines are trimmed and upper-cased; invalid lines and
 * repeats within the file are reported, not inserted. All valid codes are inserted in ONE
 * transaction (all or nothing); codes that already exist in any book, including ones a
 * concurrent upload commits meanwhile, are reported as ALREADY_EXISTS on their line.
 * The job beats a heartbeat while the transaction runs; if the process dies, nothing commits and
 * a reaper elsewhere marks the job FAILED (the file is not kept, so it cannot be resumed). A
 * cancel (cancelCodeJob) that commits before the upload's own COMMIT wins: the upload rolls back
 * and answers the CANCELLED job, nothing inserted; one that comes later finds the job COMPLETED.
 */
export async function uploadCodes(ctx: ServiceContext, args: UploadCodesArgs, options: CodeJobRunOptions = {}): Promise<UploadCodesResult> {
  requireAdmin(ctx);
  if (args.file) return uploadCodesFile(ctx, args, args.file, options);
  const lines = readUploadLines(args.codes, args.csv);
  const book = await requireBook(ctx, args.bookId, 'bookId');
  const { valid, invalid, duplicatesInFile, lineCount } = classifyUploadLines(lines);
  const job = await startCodeJob(ctx, book.id, 'UPLOAD', lineCount);
  const started: CodeJobProgress = { ...job.progress, invalid: invalid.length, duplicates: duplicatesInFile.length };
  const report = (progress: CodeJobProgress, duplicates: CodeLineIssue[]): UploadCodesResult => ({
    jobId: progress.jobId,
    inserted: progress.inserted,
    duplicates: duplicates.slice(0, MAX_REPORTED_ISSUES),
    invalid: invalid.slice(0, MAX_REPORTED_ISSUES),
    duplicateCount: duplicates.length,
    invalidCount: invalid.length,
    job: progress,
  });
  const heartbeat = startCodeJobHeartbeat(ctx, job.lease, options);
  try {
    const { existing, eventIds, final } = await insertAll(ctx, job, heartbeat, started, valid);
    announceCommitted(ctx, eventIds);
    emitCodeJobProgress(final);
    const alreadyExists: CodeLineIssue[] = existing
      .map((code) => ({ line: valid.get(code) as number, code, reason: 'ALREADY_EXISTS' as const }));
    return report(final, [...duplicatesInFile, ...alreadyExists].sort((a, b) => a.line - b.line));
  } catch (caught) {
    if (caught instanceof CodeJobLeaseLost) return report(await jobAfterLostLease(ctx, 'upload', job, started), duplicatesInFile);
    // A deleteBook that committed first answers NOT_FOUND for the book (holdBookForInserts).
    await endFailedRun(ctx, job, started, isDomainError(caught) ? caught.message : 'Upload failed; nothing was inserted');
    throw caught;
  } finally {
    heartbeat.stop();
  }
}

/**
 * `uploadCodes(file:)`: the file goes through the streamed import (`importCodes`, as
 * `POST /import/books/:bookId/codes`: streaming CSV parser, COPY staging, one transaction, a job
 * with live progress, the full report kept), and the answer waits for its end: the job's exact
 * counts and the report's first {@link MAX_REPORTED_ISSUES} issues of each kind. A cancelled
 * import answers its CANCELLED job (nothing inserted); a failed one throws (nothing inserted).
 */
async function uploadCodesFile(ctx: ServiceContext, args: UploadCodesArgs, file: Readable, options: CodeJobRunOptions): Promise<UploadCodesResult> {
  if (args.codes != null || args.csv != null) throw badInput('file', 'give exactly one of codes, csv and file');
  const run = await importCodes(ctx, args.bookId, file, options);
  await run.finished;
  const { job, duplicates, invalid } = await getImportReport(ctx, run.jobId);
  return { jobId: job.jobId, inserted: job.inserted, duplicates, invalid, duplicateCount: job.duplicates, invalidCount: job.invalid, job };
}

/**
 * Inserts every valid code in one transaction, chunk by chunk, sorted so that two uploads with
 * overlapping codes take the unique index's entries in the same order (no deadlock: the later
 * one waits, then reports the overlap as ALREADY_EXISTS). Progress is announced per chunk; the
 * `code_job` row only gets the final numbers, since the chunks commit together: as COMPLETED,
 * written just before COMMIT and guarded by the run's lease and RUNNING, so a cancel (or a
 * reaper) that got there first makes the whole upload roll back ({@link CodeJobLeaseLost}). A
 * run that has heard it lost the job stops at the next chunk.
 */
async function insertAll(
  ctx: ServiceContext,
  leased: LeasedCodeJob,
  heartbeat: CodeJobHeartbeat,
  job: CodeJobProgress,
  valid: Map<string, number>,
): Promise<{ existing: string[]; eventIds: string[]; final: CodeJobProgress }> {
  const sorted = [...valid.keys()].sort();
  const actorId = ctx.caller?.userId ?? null;
  return withPgTransaction(ctx.db.pool, async (client) => {
    await holdBookForInserts(client, job.bookId);
    const existing: string[] = [];
    const eventIds: string[] = [];
    for (let start = 0; start < sorted.length; start += UPLOAD_CHUNK_SIZE) {
      if (heartbeat.lost) throw new CodeJobLeaseLost(job.jobId);
      const chunk = sorted.slice(start, start + UPLOAD_CHUNK_SIZE);
      const result = await insertCodesReportingExisting(client, job.bookId, chunk, actorId);
      for (const code of result.existing) existing.push(code);
      if (result.eventId) eventIds.push(result.eventId);
      const done = Math.min(start + UPLOAD_CHUNK_SIZE, sorted.length);
      // Announced only (the row is not updated): these numbers commit with the transaction or never.
      // Rejected lines count as processed from the start, so `processed` ends at `total`.
      emitCodeJobProgress({ ...job, processed: job.total - sorted.length + done, inserted: done - existing.length });
    }
    const final: CodeJobProgress = {
      ...job,
      status: 'COMPLETED',
      processed: job.total,
      inserted: sorted.length - existing.length,
      duplicates: job.duplicates + existing.length,
    };
    if (!(await completeImportInTransaction(client, leased.lease, final, ctx.clock.now()))) throw new CodeJobLeaseLost(job.jobId);
    return { existing, eventIds, final };
  });
}
