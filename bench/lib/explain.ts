import type { Tx } from '@coupons/core/sql';
import type { Prisma } from '@coupons/db';
import type pg from 'pg';

/**
 * Runs a transition's statements exactly as the service sends them, inside a transaction on one
 * connection of `pool`, printing `EXPLAIN (ANALYZE, BUFFERS, COSTS OFF[, extra])` of each under
 * `── label, step N`. Each statement is EXPLAINed in a savepoint that is rolled back, then run for
 * real so the next step sees its effect. The transaction is rolled back at the end (so ANALYZE
 * changes nothing) unless `keep` is set.
 */
export async function explainTransition<T>(
  pool: pg.Pool,
  label: string,
  transition: (tx: Tx) => Promise<T>,
  options: { keep?: boolean; explainOptions?: string[] } = {},
): Promise<T> {
  const explain = ['ANALYZE', 'BUFFERS', 'COSTS OFF', ...(options.explainOptions ?? [])].join(', ');
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    let step = 0;
    const rows = async <R>(query: Prisma.Sql): Promise<R[]> => {
      step++;
      await client.query('SAVEPOINT explain');
      const plan = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN (${explain}) ${query.text}`, query.values as unknown[]);
      await client.query('ROLLBACK TO SAVEPOINT explain');
      console.log(`\n── ${label}, step ${step}\n${plan.rows.map((r) => r['QUERY PLAN']).join('\n')}`);
      return (await client.query(query.text, query.values as unknown[])).rows as R[];
    };
    const tx: Tx = { rows, last: rows, steps: async <L, A>(lock: Prisma.Sql, act: Prisma.Sql) => [await rows<L>(lock), await rows<A>(act)] as [L[], A[]] };
    const result = await transition(tx);
    await client.query(options.keep ? 'COMMIT' : 'ROLLBACK');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
