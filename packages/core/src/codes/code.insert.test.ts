import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createBook, useServiceTest } from '../../testing/index.ts';
import { insertJobChunk } from './code.insert.ts';

const t = useServiceTest();

describe('insertJobChunk', () => {
  it('a chunk that ran longer than the stale threshold leaves the heartbeat at its end, not at its start', async () => {
    const { bookId } = await createBook(t.db, 0);
    const lease = { jobId: randomUUID(), leaseId: randomUUID() };
    await t.db.pool.query(
      `INSERT INTO code_job (id, book_id, kind, total, lease_id, heartbeat_at) VALUES ($1::uuid, $2::uuid, 'GENERATE', 2, $3::uuid, now())`,
      [lease.jobId, bookId, lease.leaseId],
    );
    const client = await t.db.pool.connect();
    try {
      await client.query('BEGIN');
      // The chunk's transaction began 2.5 s ago (a slow insert under load), and the heartbeat was
      // renewed meanwhile, on another connection.
      await client.query('SELECT pg_sleep(2.5)');
      await t.db.pool.query('UPDATE code_job SET heartbeat_at = clock_timestamp() WHERE id = $1::uuid', [lease.jobId]);
      const chunk = await insertJobChunk(client, lease, bookId, ['HB-1', 'HB-2'], null);
      await client.query('COMMIT');
      expect(chunk.job).toMatchObject({ inserted: 2 });
    } finally {
      client.release();
    }
    const { rows } = await t.db.pool.query<{ age: number }>(
      `SELECT extract(epoch FROM clock_timestamp() - heartbeat_at)::float8 AS age FROM code_job WHERE id = $1::uuid`,
      [lease.jobId],
    );
    // Not the transaction's start, 2.5 s back: a reaper with a 2 s threshold would take it over.
    expect(rows[0].age).toBeLessThan(1);
  });
});
