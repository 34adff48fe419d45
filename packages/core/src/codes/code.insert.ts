import { Prisma } from '@coupons/db';
import type pg from 'pg';
import { notFound } from '../shared/errors.ts';

/**
 * Bulk code inserts. They run on a plain `pg` connection rather than through Prisma: a chunk is
 * one statement carrying a 50,000-element array, and the driver adapter's per-value conversion
 * costs more than the insert itself (measured: see the generate benchmark). The SQL is still
 * built with `Prisma.sql`, so every value is a bind parameter.
 */
export type Queryable = Pick<pg.PoolClient, 'query'>;

async function run<T extends pg.QueryResultRow>(db: Queryable, query: Prisma.Sql): Promise<T[]> {
  const result = await db.query<T>(query.text, query.values as unknown[]);
  return result.rows;
}

/**
 * Takes the book's row `FOR KEY SHARE` before a transaction inserts codes into it (the lock the
 * inserts' foreign key takes anyway, only first, so that the statement and not the constraint
 * decides): a deleteBook in flight makes it wait and, once the delete commits, it finds no book
 * and throws NOT_FOUND, as if the delete ran first; a delete that comes later waits for the
 * inserts' transaction. Taken before any other row, as deleteBook takes the book before its
 * cascade reaches the job: the two take turns instead of deadlocking.
 */
export async function holdBookForInserts(db: Queryable, bookId: string): Promise<void> {
  const held = await db.query('SELECT 1 FROM book WHERE id = $1 FOR KEY SHARE', [bookId]);
  if (held.rowCount === 0) throw notFound('Book', bookId);
}

/** A generation run's claim on its job: chunks count only while `code_job.lease_id` still matches. */
export interface JobLease {
  jobId: string;
  leaseId: string;
}

/** The job's cumulative numbers after a chunk committed (null: the run no longer holds the lease). */
export interface JobChunkResult {
  inserted: number;
  eventId: string | null;
  job: { processed: number; inserted: number; duplicates: number } | null;
}

/**
 * Inserts one chunk of a generation job's codes (already valid, normalised, unique among
 * themselves) into a book, with one CREATED_BULK summary event. Codes that exist anywhere (codes
 * are globally unique), including ones a concurrent transaction is inserting right now, are
 * skipped by `ON CONFLICT (code) DO NOTHING`, which waits for that transaction instead of failing.
 *
 * Fenced by the run's lease: in the same statement the job's counters grow by what this chunk
 * inserted and its heartbeat is renewed, so `code_job.inserted` is exactly the number of the
 * job's codes in the book, whatever moment the process dies at.
 * Run it in a transaction and roll back when `job` is null: another process has taken the job
 * over (this one was presumed dead), and its codes must not count twice.
 *
 * The `code_job` UPDATE needs the insert's count, so it runs after every code is in and holds
 * the job row only from then to COMMIT (concurrent chunks wait for each other there, briefly).
 * Its guard is in its own WHERE: under READ COMMITTED PostgreSQL re-checks it, and the counters,
 * on the row's latest committed version, so a takeover that committed first makes it miss.
 */
export async function insertJobChunk(
  db: Queryable,
  lease: JobLease,
  bookId: string,
  codes: string[],
  actorId: string | null,
): Promise<JobChunkResult> {
  const rows = await run<{ inserted: number; event_id: string | null; processed: number | null; total: number | null; duplicates: number | null }>(
    db,
    Prisma.sql`
      WITH inserted AS (
        INSERT INTO coupon (book_id, code)
        SELECT ${bookId}::uuid, c FROM unnest(${codes}::text[]) AS c
        ON CONFLICT (code) DO NOTHING
        RETURNING 1
      ), summary AS (
        INSERT INTO coupon_event (book_id, type, actor_id, count)
        SELECT ${bookId}::uuid, 'CREATED_BULK', ${actorId}::uuid, count(*) FROM inserted HAVING count(*) > 0
        RETURNING id
      ), job AS (
        UPDATE code_job
        SET inserted = inserted + (SELECT count(*) FROM inserted),
            processed = processed + ${codes.length}::int,
            duplicates = duplicates + ${codes.length}::int - (SELECT count(*) FROM inserted),
            -- The time now, not the transaction's start (now()): a chunk that took longer than the
            -- stale threshold set it back past the heartbeats renewed meanwhile, and the reaper
            -- took the live job over as soon as the chunk committed.
            heartbeat_at = greatest(heartbeat_at, clock_timestamp())
        WHERE id = ${lease.jobId}::uuid AND lease_id = ${lease.leaseId}::uuid AND status = 'RUNNING'
        RETURNING processed, inserted, duplicates
      )
      SELECT (SELECT count(*)::int FROM inserted) AS inserted, (SELECT id::text FROM summary) AS event_id,
             job.processed, job.inserted AS total, job.duplicates
      FROM (SELECT 1) AS one LEFT JOIN job ON true`,
  );
  const row = rows[0];
  const job =
    row && row.processed !== null
      ? { processed: row.processed, inserted: row.total as number, duplicates: row.duplicates as number }
      : null;
  return { inserted: row?.inserted ?? 0, eventId: row?.event_id ?? null, job };
}

/**
 * Like {@link insertJobChunk} (without a job), but returns the codes that were NOT inserted (they already exist),
 * which is what an upload reports line by line, and the summary event's id (null: none inserted).
 */
export async function insertCodesReportingExisting(
  db: Queryable,
  bookId: string,
  codes: string[],
  actorId: string | null,
): Promise<{ existing: string[]; eventId: string | null }> {
  const rows = await run<{ code: string | null; event_id: string | null }>(
    db,
    Prisma.sql`
      WITH input AS (
        SELECT c FROM unnest(${codes}::text[]) AS c
      ), inserted AS (
        INSERT INTO coupon (book_id, code)
        SELECT ${bookId}::uuid, c FROM input
        ON CONFLICT (code) DO NOTHING
        RETURNING code
      ), summary AS (
        INSERT INTO coupon_event (book_id, type, actor_id, count)
        SELECT ${bookId}::uuid, 'CREATED_BULK', ${actorId}::uuid, count(*) FROM inserted HAVING count(*) > 0
        RETURNING id
      ), existing AS (
        SELECT c AS code FROM input
        EXCEPT ALL
        SELECT code FROM inserted
      )
      -- One row always (the event id rides on it), plus one per existing code.
      SELECT NULL::text AS code, (SELECT id::text FROM summary) AS event_id
      UNION ALL
      SELECT code, NULL FROM existing`,
  );
  return {
    existing: rows.filter((row) => row.code !== null).map((row) => row.code as string),
    eventId: rows.find((row) => row.event_id !== null)?.event_id ?? null,
  };
}

/**
 * Runs `work` in one transaction on a dedicated connection: everything commits or nothing does.
 */
export async function withPgTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    client.release();
    return result;
  } catch (error) {
    // A connection that cannot even roll back is broken: destroy it instead of pooling it.
    const broken = await client.query('ROLLBACK').then(() => false, () => true);
    client.release(broken);
    throw error;
  }
}
