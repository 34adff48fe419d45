import { afterEach, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../testing/index.ts';
import { createDatabase, type Database, isLostStatementError, preparedName } from './client.ts';

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

  // What a transaction-mode PgBouncer does to a connection's prepared statements, done here on
  // one real session: DEALLOCATE ALL behind the driver's back, so the driver, which remembers
  // having prepared a name, sends only Bind and the server answers 26000.
  it('by default, turns names off at the first lost statement: once, for every connection; a pool query is run again', async () => {
    const lost: Error[] = [];
    opened = createDatabase({ url: t.url, poolSize: 1, onNamedStatementsLost: (error) => lost.push(error) });
    const named = { name: 'cbs_test_lost', text: 'SELECT $1::int AS n', values: [1] };
    expect((await opened.pool.query<{ n: number }>(named)).rows[0].n).toBe(1);
    await opened.pool.query('DEALLOCATE ALL');
    expect((await opened.pool.query<{ n: number }>({ ...named, values: [2] })).rows[0].n, 'run again, unnamed').toBe(2);
    expect(lost.map((e) => (e as { code?: string }).code)).toEqual(['26000']);

    const client = await opened.pool.connect();
    try {
      await client.query({ name: 'cbs_test_after', text: 'SELECT 1 AS one' });
      const { rows } = await client.query<{ name: string }>('SELECT name FROM pg_prepared_statements');
      expect(rows, 'nothing prepared once names are off').toEqual([]);
    } finally {
      client.release();
    }
    expect(lost, 'called once').toHaveLength(1);
  });

  it('inside a transaction the lost statement fails (the transaction is aborted), as a lost statement', async () => {
    const lost: Error[] = [];
    opened = createDatabase({ url: t.url, poolSize: 1, onNamedStatementsLost: (error) => lost.push(error) });
    const client = await opened.pool.connect();
    try {
      const named = { name: 'cbs_test_in_tx', text: 'SELECT 1 AS one' };
      await client.query(named);
      await client.query('DEALLOCATE ALL');
      await client.query('BEGIN');
      const failure = await client.query(named).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(isLostStatementError(failure), String(failure)).toBe(true);
      await client.query('ROLLBACK');
      expect((await client.query<{ one: number }>(named)).rows[0].one, 'the same query, now unnamed').toBe(1);
    } finally {
      client.release();
    }
    expect(lost).toHaveLength(1);
  });

  it('never turns names off for an error that is not a lost statement', async () => {
    const lost: Error[] = [];
    opened = createDatabase({ url: t.url, poolSize: 1, onNamedStatementsLost: (error) => lost.push(error) });
    await expect(opened.pool.query({ name: 'cbs_test_bad', text: 'SELECT 1/0' })).rejects.toMatchObject({ code: '22012' });
    await opened.pool.query({ name: 'cbs_test_good', text: 'SELECT 1' });
    const { rows } = await opened.pool.query<{ name: string }>('SELECT name FROM pg_prepared_statements');
    expect(rows.map((r) => r.name)).toContain('cbs_test_good');
    expect(lost).toEqual([]);
  });

  it('preparedName: one name per text, the label first', () => {
    const a = preparedName('cbs_x', 'SELECT 1');
    expect(a).toMatch(/^cbs_x_[0-9a-f]{12}$/);
    expect(preparedName('cbs_x', 'SELECT 1')).toBe(a);
    expect(preparedName('cbs_x', 'SELECT 2')).not.toBe(a);
  });
});
