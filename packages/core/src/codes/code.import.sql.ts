import { Prisma } from '@coupons/db';
import type { CodeJobProgress } from './code-job.events.ts';
import type { JobLease, Queryable } from './code.insert.ts';

/**
 * The statements of a streamed import (`code.import.ts`). All but the progress writes run on the
 * import's own connection inside its one transaction, against a temporary staging table that
 * lives only as long as that transaction (`ON COMMIT DROP`): nothing of an import is visible,
 * or left behind, until it commits.
 */

async function run<T extends object>(db: Queryable, query: Prisma.Sql): Promise<T[]> {
  const result = await db.query(query.text, query.values as unknown[]);
  return result.rows as T[];
}

/** The staging table, and the COPY that fills it (text format: `line \t code \t problem`). */
export const CREATE_STAGE = `CREATE TEMP TABLE code_import_stage (line int NOT NULL, code text NOT NULL, problem text) ON COMMIT DROP`;
export const COPY_INTO_STAGE = 'COPY code_import_stage (line, code, problem) FROM STDIN';

/**
 * Once the file is staged: statistics (a temporary table is never analysed automatically), and
 * the index the merge walks, built once after the load (cheaper than maintaining it row by row).
 */
export async function indexStage(db: Queryable): Promise<void> {
  await db.query('ANALYZE code_import_stage');
  await db.query('CREATE INDEX ON code_import_stage (code, line) WHERE problem IS NULL');
}

/**
 * How many issues the file shows by itself (what {@link recordFileIssues} will write), read
 * without writing: the import reports them as soon as the file is staged, but writes them only
 * once its first merge holds the book (see {@link mergeChunk}).
 */
export async function countFileIssues(db: Queryable): Promise<{ invalid: number; duplicatesInFile: number }> {
  const rows = await run<{ invalid: number; duplicates_in_file: number }>(
    db,
    Prisma.sql`
      SELECT count(*) FILTER (WHERE problem IS NOT NULL)::int AS invalid,
             (count(*) FILTER (WHERE problem IS NULL) - count(DISTINCT code) FILTER (WHERE problem IS NULL))::int AS duplicates_in_file
      FROM code_import_stage`,
  );
  return { invalid: rows[0]?.invalid ?? 0, duplicatesInFile: rows[0]?.duplicates_in_file ?? 0 };
}

/**
 * Writes the issues the file shows by itself: invalid lines (classified while streaming), and
 * every occurrence of a valid code after its first (DUPLICATE_IN_FILE, found by a sort in the
 * database rather than a set in the API's memory). Returns how many of each.
 */
export async function recordFileIssues(db: Queryable, jobId: string): Promise<{ invalid: number; duplicatesInFile: number }> {
  const invalid = await db.query(...sql(Prisma.sql`
    INSERT INTO code_job_issue (job_id, line, code, reason)
    SELECT ${jobId}::uuid, line, code, problem FROM code_import_stage WHERE problem IS NOT NULL`));
  const duplicates = await db.query(...sql(Prisma.sql`
    INSERT INTO code_job_issue (job_id, line, code, reason)
    SELECT ${jobId}::uuid, line, code, 'DUPLICATE_IN_FILE'
    FROM (SELECT line, code, row_number() OVER (PARTITION BY code ORDER BY line) AS nth
          FROM code_import_stage WHERE problem IS NULL) AS occurrence
    WHERE nth > 1`));
  return { invalid: invalid.rowCount ?? 0, duplicatesInFile: duplicates.rowCount ?? 0 };
}

/** What one merge chunk did. `size` 0: nothing left to merge. */
export interface MergeChunkResult {
  /** False when the book is gone (a deleteBook committed first): nothing was merged. */
  bookFound: boolean;
  /** The last (largest) code of the chunk: the next chunk starts after it. */
  last: string | null;
  size: number;
  inserted: number;
  eventId: string | null;
}

/**
 * Merges the next `limit` distinct valid codes after `after` (in code order, each at its first
 * line) into the book. Codes that exist anywhere (codes are globally unique), including ones a
 * concurrent transaction is inserting, are skipped by `ON CONFLICT (code) DO NOTHING` (which waits
 * for that transaction) and recorded as ALREADY_EXISTS issues; the rest get one CREATED_BULK event.
 *
 * Every import walks the codes in ascending order, chunk after chunk, inside one transaction, so
 * two imports with overlapping codes take the unique index's entries in the same order: the later
 * one waits for the earlier one's commit (then reports the overlap), they never deadlock.
 *
 * The statement first takes the book `FOR KEY SHARE` (before any row is inserted, so before the
 * foreign-key checks on the book and on the job that its inserts queue): the first chunk is the
 * import's first lock on the book or its job, and it holds the book from then to COMMIT. A
 * deleteBook locks the book `FOR UPDATE` before its cascade reaches the job, so both take the
 * book first and cannot deadlock: one waits for the other's commit. After a delete that
 * committed first, the lock finds no row: `bookFound` false, nothing inserted.
 */
export async function mergeChunk(
  db: Queryable,
  job: { jobId: string; bookId: string; actorId: string | null },
  after: string,
  limit: number,
): Promise<MergeChunkResult> {
  const rows = await run<{ book_found: boolean; last: string | null; size: number; inserted: number; event_id: string | null }>(
    db,
    Prisma.sql`
      WITH book_held AS (
        SELECT id FROM book WHERE id = ${job.bookId}::uuid FOR KEY SHARE
      ), chunk AS (
        SELECT DISTINCT ON (code) code, line FROM code_import_stage
        WHERE problem IS NULL AND code > ${after} AND EXISTS (SELECT 1 FROM book_held)
        ORDER BY code, line
        LIMIT ${limit}
      ), inserted AS (
        INSERT INTO coupon (book_id, code)
        SELECT ${job.bookId}::uuid, code FROM chunk ORDER BY code
        ON CONFLICT (code) DO NOTHING
        RETURNING code
      ), existing AS (
        INSERT INTO code_job_issue (job_id, line, code, reason)
        SELECT ${job.jobId}::uuid, chunk.line, chunk.code, 'ALREADY_EXISTS'
        FROM chunk LEFT JOIN inserted ON inserted.code = chunk.code
        WHERE inserted.code IS NULL
        RETURNING 1
      ), summary AS (
        INSERT INTO coupon_event (book_id, type, actor_id, count)
        SELECT ${job.bookId}::uuid, 'CREATED_BULK', ${job.actorId}::uuid, count(*) FROM inserted HAVING count(*) > 0
        RETURNING id
      )
      SELECT EXISTS (SELECT 1 FROM book_held) AS book_found, (SELECT max(code) FROM chunk) AS last, (SELECT count(*)::int FROM chunk) AS size,
             (SELECT count(*)::int FROM inserted) AS inserted, (SELECT id::text FROM summary) AS event_id,
             (SELECT count(*)::int FROM existing) AS existing`,
  );
  const row = rows[0];
  return { bookFound: row?.book_found ?? false, last: row?.last ?? null, size: row?.size ?? 0, inserted: row?.inserted ?? 0, eventId: row?.event_id ?? null };
}

/**
 * Stores an import's progress while it runs, outside its transaction (autocommit, on the pool),
 * so every instance's `codeJob` sees it. Guarded by the run's lease and RUNNING in the UPDATE's
 * own WHERE (checked on the row's latest version): false when the job was cancelled or taken over,
 * and the import must stop and roll back. Also renews the heartbeat.
 */
export async function saveImportProgress(db: Queryable, lease: JobLease, progress: CodeJobProgress): Promise<boolean> {
  const result = await db.query(...sql(Prisma.sql`
    UPDATE code_job
    SET total = ${progress.total}::int, processed = ${progress.processed}::int, inserted = ${progress.inserted}::int,
        duplicates = ${progress.duplicates}::int, invalid = ${progress.invalid}::int, heartbeat_at = now()
    WHERE id = ${lease.jobId}::uuid AND lease_id = ${lease.leaseId}::uuid AND status = 'RUNNING'`));
  return result.rowCount === 1;
}

/**
 * Marks the import COMPLETED with its final numbers inside its own transaction, just before
 * COMMIT, guarded like {@link saveImportProgress}: false means a cancel committed first, and the
 * import must roll back. A cancel that comes after this statement waits for the row, then finds
 * the job COMPLETED: one of the two wins, as if they ran one after the other.
 */
export async function completeImportInTransaction(db: Queryable, lease: JobLease, progress: CodeJobProgress, finishedAt: Date): Promise<boolean> {
  const result = await db.query(...sql(Prisma.sql`
    UPDATE code_job
    SET status = 'COMPLETED', total = ${progress.total}::int, processed = ${progress.processed}::int,
        inserted = ${progress.inserted}::int, duplicates = ${progress.duplicates}::int, invalid = ${progress.invalid}::int,
        finished_at = ${finishedAt}, heartbeat_at = now()
    WHERE id = ${lease.jobId}::uuid AND lease_id = ${lease.leaseId}::uuid AND status = 'RUNNING'`));
  return result.rowCount === 1;
}

/**
 * Ends an import FAILED after its rollback: `inserted` back to 0 (nothing committed), the
 * user-facing `error`. Guarded by the lease and RUNNING like the progress writes, so a job that
 * was cancelled meanwhile keeps CANCELLED. False when it no longer held the job.
 */
export async function failImport(db: Queryable, lease: JobLease, error: string, finishedAt: Date): Promise<boolean> {
  const result = await db.query(...sql(Prisma.sql`
    UPDATE code_job SET status = 'FAILED', inserted = 0, error = ${error}, finished_at = ${finishedAt}
    WHERE id = ${lease.jobId}::uuid AND lease_id = ${lease.leaseId}::uuid AND status = 'RUNNING'`));
  return result.rowCount === 1;
}

function sql(query: Prisma.Sql): [string, unknown[]] {
  return [query.text, query.values as unknown[]];
}
