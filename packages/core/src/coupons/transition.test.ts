import { Prisma } from '@coupons/db';
import { createTestDatabase, type TestDatabase } from '@coupons/db/testing';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { inTransaction, lockedRowId, markLocked } from './transition.ts';

// inTransaction sends BEGIN in the same write as the first statement (node-postgres' pipeline
// mode, for those two only). What must still hold: the first statement runs inside the
// transaction (its locks held, its writes rolled back with the rest), and the connection goes
// back to the pool as an ordinary one.

let t: TestDatabase;
let pool: pg.Pool;
let writes = 0;

beforeAll(async () => {
  t = await createTestDatabase({ poolSize: 2 });
  await t.db.pool.query('CREATE TABLE tx_probe (id int PRIMARY KEY, note text)');
  await t.db.pool.query(`INSERT INTO tx_probe VALUES (1, 'first')`);
  // One connection, so every call below reuses it; its socket writes are counted.
  pool = new pg.Pool({ connectionString: t.url, max: 1 });
  pool.on('connect', (client) => {
    const socket = (client as unknown as { connection: { stream: { _write: Function; _writev: Function } } }).connection.stream;
    for (const method of ['_write', '_writev'] as const) {
      const original = socket[method].bind(socket);
      socket[method] = (...args: unknown[]) => {
        writes += 1;
        return original(...args);
      };
    }
  });
}, 60_000);
afterAll(async () => {
  await pool?.end();
  await t?.drop();
});

const sql = (text: string) => Prisma.sql([text]);

/** The pool's one connection is back to ordinary: out of pipeline mode, in autocommit, nothing of ours open. */
async function expectConnectionIdle(): Promise<void> {
  const client = await pool.connect();
  try {
    expect((client as unknown as { pipeline: boolean }).pipeline).toBe(false);
    expect((await client.query('SELECT pg_current_xact_id_if_assigned() IS NULL AS idle')).rows).toEqual([{ idle: true }]);
  } finally {
    client.release();
  }
}

it('sends BEGIN with the first statement: one write, then COMMIT', async () => {
  await pool.query('SELECT 1'); // connect outside the count
  writes = 0;
  const rows = await inTransaction(pool, (tx) => tx.rows<{ note: string }>(sql('SELECT note FROM tx_probe WHERE id = 1 FOR UPDATE')));
  expect(rows).toEqual([{ note: 'first' }]);
  expect(writes).toBe(2);
});

it('runs the first statement inside the transaction: same transaction id, lock held until COMMIT', async () => {
  let release!: () => void;
  const paused = new Promise<void>((resolve) => {
    release = resolve;
  });
  let ids: string[] = [];
  const done = inTransaction(pool, async (tx) => {
    const [first] = await tx.rows<{ xid: string }>(sql('SELECT pg_current_xact_id()::text AS xid FROM tx_probe WHERE id = 1 FOR UPDATE'));
    await paused;
    const [second] = await tx.rows<{ xid: string }>(sql('SELECT pg_current_xact_id()::text AS xid'));
    ids = [first.xid, second.xid];
  });
  // The other connection cannot take the row while the transaction is open (in autocommit the
  // first statement's lock would be gone as soon as it answered).
  const tryLock = () => t.db.pool.query('SELECT 1 FROM tx_probe WHERE id = 1 FOR UPDATE NOWAIT').then(() => 'free', (e: { code?: string }) => e.code);
  await expect.poll(tryLock).toBe('55P03');
  release();
  await done;
  expect(ids[0]).toBe(ids[1]);
  expect(await tryLock()).toBe('free');
});

it('rolls back a first statement that wrote when the work then throws, and the connection stays usable', async () => {
  const failure = new Error('refused');
  await expect(
    inTransaction(pool, async (tx) => {
      await tx.rows(sql(`INSERT INTO tx_probe VALUES (2, 'rolled back') RETURNING id`));
      throw failure;
    }),
  ).rejects.toBe(failure);
  expect((await t.db.pool.query('SELECT count(*)::int AS n FROM tx_probe WHERE id = 2')).rows[0].n).toBe(0);
  // A failing first statement: the error is the statement's, and nothing is left open.
  await expect(inTransaction(pool, (tx) => tx.rows(sql('SELECT 1 / 0')))).rejects.toMatchObject({ code: '22012' });
  expect((await pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  await expectConnectionIdle();
});

it('sends nothing for a transaction without a statement', async () => {
  await pool.query('SELECT 1');
  writes = 0;
  expect(await inTransaction(pool, async () => 'nothing')).toBe('nothing');
  expect(writes).toBe(0);
});

it('prepares each statement text once per connection under its own name, texts of equal length apart', async () => {
  const one = sql('SELECT 1 AS probe_a');
  const two = sql('SELECT 2 AS probe_a');
  for (let i = 0; i < 2; i++) {
    expect(await inTransaction(pool, async (tx) => [...(await tx.rows(one)), ...(await tx.rows(two))])).toEqual([{ probe_a: 1 }, { probe_a: 2 }]);
  }
  const client = await pool.connect();
  try {
    const prepared = await client.query(`SELECT name, statement FROM pg_prepared_statements WHERE statement LIKE 'SELECT _ AS probe_a' ORDER BY statement`);
    expect(prepared.rows.map((r) => r.statement)).toEqual(['SELECT 1 AS probe_a', 'SELECT 2 AS probe_a']);
    expect(new Set(prepared.rows.map((r) => r.name)).size).toBe(2);
    expect(prepared.rows.every((r) => String(r.name).startsWith('cbs_'))).toBe(true);
  } finally {
    client.release();
  }
});

// Tx.last sends COMMIT in the same write as the transaction's last statement. What must hold:
// its writes commit, a failing last statement commits nothing (PostgreSQL answers the COMMIT
// with ROLLBACK), nothing can run after it, and the connection comes back ordinary.

it('sends COMMIT with the last statement: lock, then act, in two writes, and the writes commit', async () => {
  await pool.query('SELECT 1');
  writes = 0;
  const rows = await inTransaction(pool, async (tx) => {
    await tx.rows(sql('SELECT id FROM tx_probe WHERE id = 1 FOR UPDATE'));
    return tx.last<{ note: string }>(sql(`UPDATE tx_probe SET note = 'acted' WHERE id = 1 RETURNING note`));
  });
  expect(rows).toEqual([{ note: 'acted' }]);
  expect(writes).toBe(2);
  expect((await t.db.pool.query('SELECT note FROM tx_probe WHERE id = 1')).rows).toEqual([{ note: 'acted' }]);
});

it('sends BEGIN, the statement and COMMIT in one write when the last statement is also the first', async () => {
  await pool.query('SELECT 1');
  writes = 0;
  await inTransaction(pool, (tx) => tx.last(sql(`INSERT INTO tx_probe VALUES (3, 'alone')`)));
  expect(writes).toBe(1);
  expect((await t.db.pool.query('SELECT note FROM tx_probe WHERE id = 3')).rows).toEqual([{ note: 'alone' }]);
});

it('commits nothing when the last statement fails, the earlier statements included', async () => {
  await expect(
    inTransaction(pool, async (tx) => {
      await tx.rows(sql(`INSERT INTO tx_probe VALUES (4, 'rolled back') RETURNING id`));
      await tx.last(sql(`INSERT INTO tx_probe VALUES (1, 'duplicate key')`));
    }),
  ).rejects.toMatchObject({ code: '23505' });
  expect((await t.db.pool.query('SELECT count(*)::int AS n FROM tx_probe WHERE id = 4')).rows[0].n).toBe(0);
  await expectConnectionIdle();
});

it('refuses a statement after the last one, and a refusal after it sends no ROLLBACK', async () => {
  await expect(
    inTransaction(pool, async (tx) => {
      await tx.last(sql('SELECT 1'));
      await tx.rows(sql(`INSERT INTO tx_probe VALUES (5, 'too late')`));
    }),
  ).rejects.toThrow(/after the transaction's last one/);
  expect((await t.db.pool.query('SELECT count(*)::int AS n FROM tx_probe WHERE id = 5')).rows[0].n).toBe(0);

  await pool.query('SELECT 1');
  writes = 0;
  const refusal = new Error('refused from the answer');
  await expect(
    inTransaction(pool, async (tx) => {
      await tx.last(sql('SELECT 1'));
      throw refusal;
    }),
  ).rejects.toBe(refusal);
  expect(writes).toBe(1);
});

// Tx.steps sends step 1 (lock, mark the row) and step 2 (act on the marked row) in one write, with
// BEGIN before them and, for a last statement, COMMIT after. What must hold: step 2 still starts
// after step 1 holds the lock (so it sees the row's latest committed version), it acts only on the
// row step 1 marked (none when step 1 locked none), the mark never outlives the transaction, and a
// failing step 1 leaves nothing written and nothing open.

const lockProbe = (id: number) =>
  Prisma.sql`WITH target AS (SELECT id FROM tx_probe WHERE id = ${id} FOR UPDATE) SELECT ${markLocked(Prisma.sql`SELECT id FROM target`)} AS locked_id`;
const actOnLocked = Prisma.sql`UPDATE tx_probe SET note = note || '+acted' WHERE id = ${lockedRowId} RETURNING id, note`;

it('sends BEGIN, both steps and COMMIT in one write; step 2 acts on the row step 1 locked, and it commits', async () => {
  await t.db.pool.query(`INSERT INTO tx_probe VALUES (10, 'ten'), (11, 'eleven')`);
  await pool.query('SELECT 1');
  writes = 0;
  const [locked, acted] = await inTransaction(pool, (tx) => tx.steps<{ locked_id: string }, { id: number; note: string }>(lockProbe(11), actOnLocked, { last: true }));
  expect(writes).toBe(1);
  expect(locked).toEqual([{ locked_id: '11' }]);
  expect(acted).toEqual([{ id: 11, note: 'eleven+acted' }]);
  expect((await t.db.pool.query('SELECT id, note FROM tx_probe WHERE id IN (10, 11) ORDER BY id')).rows).toEqual([
    { id: 10, note: 'ten' },
    { id: 11, note: 'eleven+acted' },
  ]);
});

it('starts step 2 once step 1 holds the lock: it builds on what the holder before it committed', async () => {
  await t.db.pool.query(`INSERT INTO tx_probe VALUES (12, 'twelve')`);
  const holder = await t.db.pool.connect();
  try {
    await holder.query('BEGIN');
    await holder.query(`UPDATE tx_probe SET note = 'changed by the holder' WHERE id = 12`);
    // Step 2 reads the row in a CTE, under its own snapshot: a snapshot older than the lock would read 'twelve'.
    const readThenWrite = Prisma.sql`WITH cur AS (SELECT id, note FROM tx_probe WHERE id = ${lockedRowId})
      UPDATE tx_probe p SET note = cur.note || '+acted' FROM cur WHERE p.id = cur.id RETURNING p.id, p.note`;
    const steps = inTransaction(pool, (tx) => tx.steps<{ locked_id: string }, { id: number; note: string }>(lockProbe(12), readThenWrite, { last: true }));
    // Step 1 waits for the holder's row lock.
    await expect
      .poll(async () => (await t.db.pool.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()`)).rows[0].n)
      .toBe(1);
    await holder.query('COMMIT');
    const [, acted] = await steps;
    expect(acted).toEqual([{ id: 12, note: 'changed by the holder+acted' }]);
  } finally {
    holder.release();
  }
});

it('acts on nothing when step 1 locked nothing, and the mark does not outlive its transaction', async () => {
  const [locked, acted] = await inTransaction(pool, (tx) => tx.steps<{ locked_id: string }, unknown>(lockProbe(999), actOnLocked, { last: true }));
  expect(locked).toEqual([{ locked_id: '' }]);
  expect(acted).toEqual([]);
  // The same (only) connection, after a transaction that marked row 11: no mark is left.
  await inTransaction(pool, (tx) => tx.steps(lockProbe(11), sql('SELECT 1'), { last: true }));
  const [left] = await inTransaction(pool, (tx) => tx.rows<{ id: string | null }>(Prisma.sql`SELECT ${lockedRowId}::text AS id`));
  expect(left).toEqual({ id: null });
});

it('fails with step 1\'s error, writes nothing and leaves nothing open when step 1 fails', async () => {
  const failingLock = sql(`SELECT set_config('cbs.locked', '11', true), 1 / 0`);
  await expect(inTransaction(pool, (tx) => tx.steps(failingLock, actOnLocked, { last: true }))).rejects.toMatchObject({ code: '22012' });
  expect((await t.db.pool.query('SELECT note FROM tx_probe WHERE id = 11')).rows).toEqual([{ note: 'eleven+acted' }]);
  await expectConnectionIdle();
});

it('keeps the transaction open without `last`: a refusal after both steps rolls step 2 back', async () => {
  await pool.query('SELECT 1');
  writes = 0;
  const refusal = new Error('refused after reading step 2');
  await expect(
    inTransaction(pool, async (tx) => {
      const [, acted] = await tx.steps<unknown, { note: string }>(lockProbe(10), actOnLocked);
      expect(acted).toEqual([{ id: 10, note: 'ten+acted' }]);
      throw refusal;
    }),
  ).rejects.toBe(refusal);
  expect(writes).toBe(2); // BEGIN and both steps, then ROLLBACK
  expect((await t.db.pool.query('SELECT note FROM tx_probe WHERE id = 10')).rows).toEqual([{ note: 'ten' }]);
});
