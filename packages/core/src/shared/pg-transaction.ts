import type pg from 'pg';

/** The part of a `pg.Pool` a transaction needs (the service's pool, or a benchmark's own). */
export interface TxPool {
  connect(): Promise<pg.PoolClient>;
}

/**
 * Runs `work` on one pooled connection between BEGIN and COMMIT, and ROLLBACK when it throws. A
 * connection whose ROLLBACK fails is discarded rather than returned to the pool. For the
 * statements that need the connection itself (the transitions through `inTransaction`, the
 * webhook fan-out's cursor row); everything else goes through Prisma's `$transaction`.
 */
export async function withPgTransaction<T>(pool: TxPool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch((rollbackError: Error) => {
      broken = rollbackError;
    });
    throw error;
  } finally {
    client.release(broken);
  }
}
