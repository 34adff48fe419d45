import { afterEach, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../testing/index.ts';
import { createDatabase, type Database } from './client.ts';

// A transaction-mode PgBouncer before 1.21 hands each transaction any server connection, so a
// statement prepared on one is missing on the next: with namedStatements false nothing is
// prepared on the server, whatever name the code gives. Checked in the server's own catalog.
describe('createDatabase namedStatements', () => {
  const t = useTestDatabase();
  let opened: Database | undefined;
  afterEach(async () => {
    await opened?.close();
    opened = undefined;
  });

  async function preparedAfterNamedQueries(namedStatements: boolean | undefined): Promise<string[]> {
    opened = createDatabase({ url: t.url, poolSize: 1, namedStatements });
    const pooled = await opened.pool.query<{ n: number }>({ name: 'cbs_test_pooled', text: 'SELECT $1::int AS n', values: [7] });
    expect(pooled.rows[0].n).toBe(7);
    const client = await opened.pool.connect();
    try {
      await client.query({ name: 'cbs_test_client', text: 'SELECT 1 AS one' });
      const { rows } = await client.query<{ name: string }>('SELECT name FROM pg_prepared_statements ORDER BY name');
      return rows.map((r) => r.name);
    } finally {
      client.release();
    }
  }

  it('prepares named statements on the server by default', async () => {
    expect(await preparedAfterNamedQueries(undefined)).toEqual(['cbs_test_client', 'cbs_test_pooled']);
  });

  it('runs them unnamed when false: nothing is left prepared on the connection', async () => {
    expect(await preparedAfterNamedQueries(false)).toEqual([]);
  });
});
