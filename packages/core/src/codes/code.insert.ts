import { Prisma } from '@coupons/db';
import type pg from 'pg';

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
 * Inserts `codes` (already valid, normalised, unique among themselves) into a book and writes
 * one CREATED_BULK summary event with the number inserted, in one statement. Codes that exist
 * anywhere (codes are globally unique), including ones a concurrent transaction is inserting
 * right now, are skipped by `ON CONFLICT (code) DO NOTHING`, which waits for that transaction
 * instead of failing. Returns how many were inserted.
 */
export async function insertCodes(
  db: Queryable,
  bookId: string,
  codes: string[],
  actorId: string | null,
): Promise<{ inserted: number; eventId: string | null }> {
  const rows = await run<{ inserted: number; event_id: string | null }>(
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
      )
      SELECT (SELECT count(*)::int FROM inserted) AS inserted, (SELECT id::text FROM summary) AS event_id`,
  );
  return { inserted: rows[0]?.inserted ?? 0, eventId: rows[0]?.event_id ?? null };
}

/**
 * Like {@link insertCodes}, but returns the codes that were NOT inserted (they already exist),
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
