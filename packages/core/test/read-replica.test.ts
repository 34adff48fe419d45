import { text } from 'node:stream/consumers';
import { createDatabase, type Database, freePort } from '@coupons/db';
import { type StreamingReplica, startStreamingReplica } from '@coupons/db/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextFor, createBook as insertBook, createUser } from '../testing/index.ts';
import { listAuditLog } from '../src/audit/audit.service.ts';
import { loadSessionCaller } from '../src/auth/user-session.service.ts';
import { busiestBooks } from '../src/books/book.busiest.ts';
import { createBook, listBooks } from '../src/books/book.service.ts';
import { exportBookCodes } from '../src/codes/code.export.ts';
import { assignRandomCoupon } from '../src/coupons/assign.service.ts';
import { listMyCoupons } from '../src/coupons/coupon.queries.ts';
import { searchCoupons } from '../src/coupons/coupon.search.ts';
import { lockCoupon } from '../src/coupons/lock.service.ts';
import { redeemCoupon } from '../src/coupons/redeem.service.ts';
import { listRedemptions } from '../src/coupons/redemption.search.ts';
import { listUsers } from '../src/users/user.service.ts';
import type { Caller } from '../src/shared/context.ts';
import { readFromReplica } from '../src/shared/read-replica.ts';

// A real hot standby streaming from a real primary (startStreamingReplica). To tell which server
// answered, the standby's replay is paused: whatever is written on the primary meanwhile exists
// there only, so a read that misses it was served by the standby, and one that sees it by the
// primary. Replay is resumed (and caught up) after each test.
describe('DATABASE_READ_URL: reads that tolerate lag go to the replica', () => {
  let replica: StreamingReplica;
  let routed: Database; // readUrl set
  let single: Database; // readUrl unset: today's one client
  let standby: pg.Client;
  let admin: Caller;
  let shopper: Caller;

  beforeAll(async () => {
    replica = await startStreamingReplica();
    // No lag bound (readMaxLagMs 0): these tests tell the servers apart by pausing the standby's
    // replay, which the bound would notice (its own test below has one).
    routed = createDatabase({ url: replica.primaryUrl, readUrl: replica.replicaUrl, readMaxLagMs: 0, poolSize: 4, applicationName: 'routed' });
    single = createDatabase({ url: replica.primaryUrl, poolSize: 4, applicationName: 'single' });
    standby = new pg.Client({ connectionString: replica.replicaAdminUrl });
    standby.on('error', () => {}); // the last test stops the standby under it
    await standby.connect();
    admin = await createUser(routed, 'ADMIN');
    shopper = await createUser(routed, 'USER');
    await replica.caughtUp();
  }, 120_000);

  afterAll(async () => {
    await standby?.end().catch(() => {});
    await routed?.close();
    await single?.close();
    await replica?.stop();
  });

  /** Runs `write` on the primary while the standby replays nothing, then `check`; replay resumes after. */
  async function whileReplayPaused<T>(write: () => Promise<T>, check: (written: T) => Promise<void>): Promise<void> {
    await standby.query('SELECT pg_wal_replay_pause()');
    try {
      const written = await write();
      await check(written);
    } finally {
      await standby.query('SELECT pg_wal_replay_resume()');
      await replica.caughtUp();
    }
  }

  it('opens the replica clients on the standby', async () => {
    expect(routed.replica).toBeDefined();
    const [server] = await (routed.replica as NonNullable<Database['replica']>).prisma.$queryRaw<Array<{ recovery: boolean }>>`
      SELECT pg_is_in_recovery() AS recovery`;
    expect(server.recovery).toBe(true);
    const [primary] = await routed.prisma.$queryRaw<Array<{ recovery: boolean }>>`SELECT pg_is_in_recovery() AS recovery`;
    expect(primary.recovery).toBe(false);
  });

  it('serves the admin lists, searches, dashboard and export from the standby; they lag while it does', async () => {
    const ctx = contextFor(routed, admin);
    await whileReplayPaused(
      async () => {
        // Transitions and admin writes still go to the primary and succeed with a replica configured.
        const book = await createBook(ctx, { name: 'Only on the primary', discountType: 'PERCENTAGE', discountValue: 10 });
        const { bookId, codes } = await insertBook(routed, 3);
        const claimed = await assignRandomCoupon(contextFor(routed, shopper), { bookId });
        await lockCoupon(contextFor(routed, shopper), { code: claimed.code });
        await redeemCoupon(contextFor(routed, shopper), { code: claimed.code });
        const newcomer = await createUser(routed, 'USER');
        return { book, bookId, codes, claimed, newcomer };
      },
      async ({ book, bookId, claimed, newcomer }) => {
        // Routed: answered by the paused standby, which has none of it.
        const books = await listBooks(ctx, { search: 'Only on the primary' });
        expect(books.totalCount).toBe(0);
        expect((await searchCoupons(ctx, { bookId })).totalCount).toBe(0);
        expect((await listAuditLog(ctx, { targetId: book.id }, {})).totalCount).toBe(0);
        expect((await listRedemptions(ctx, { bookId })).totalCount).toBe(0);
        expect((await listUsers(ctx, { search: newcomer.email })).totalCount).toBe(0);
        expect((await busiestBooks(ctx, {})).map((b) => b.book.id)).not.toContain(bookId);
        // The export's book check runs on the primary (the book exists), its COPY on the standby.
        const csv = await text((await exportBookCodes(ctx, bookId)).stream);
        expect(csv.trim().split('\r\n')).toHaveLength(1); // the header only

        // Not routed (read-your-writes): the shopper's own coupons and redemptions right after
        // the claim, and the session read that authorizes a just-created user.
        const mine = await listMyCoupons(contextFor(routed, shopper), {});
        expect(mine.items.map((c) => c.code)).toContain(claimed.code);
        expect((await listRedemptions(contextFor(routed, shopper), {})).totalCount).toBe(1);
        const session = await loadSessionCaller({ db: routed }, { ...newcomer, tokenVersion: 0 });
        expect(session.userId).toBe(newcomer.userId);

        // Without DATABASE_READ_URL the same reads see everything at once (one client, the primary).
        const one = contextFor(single, admin);
        expect(single.replica).toBeUndefined();
        expect((await listBooks(one, { search: 'Only on the primary' })).totalCount).toBe(1);
        expect((await searchCoupons(one, { bookId })).totalCount).toBe(3);
        expect((await listAuditLog(one, { targetId: book.id }, {})).totalCount).toBe(1);
        expect((await listRedemptions(one, { bookId })).totalCount).toBe(1);
        expect((await listUsers(one, { search: newcomer.email })).totalCount).toBe(1);
        expect((await busiestBooks(one, {})).map((b) => b.book.id)).toContain(bookId);
      },
    );
    // Caught up again, the routed reads see it all.
    expect((await listBooks(ctx, { search: 'Only on the primary' })).totalCount).toBe(1);
    const { rows } = await standby.query<{ name: string; n: number }>(
      `SELECT application_name AS name, count(*)::int AS n FROM pg_stat_activity
        WHERE application_name IN ('routed', 'routed-read', 'single', 'single-read') GROUP BY 1 ORDER BY 1`,
    );
    // Only the replica pool connected to the standby; the one-client database never did.
    expect(rows.map((r) => r.name)).toEqual(['routed-read']);
  });

  it('falls back to the primary when the replica cannot be reached, then leaves it alone for a while', async () => {
    const unreachable = createDatabase({
      url: replica.primaryUrl,
      readUrl: replica.replicaUrl.replace(/:\d+\//, `:${await freePort()}/`),
      poolSize: 2,
      applicationName: 'fallback',
    });
    try {
      const ctx = contextFor(unreachable, admin);
      await whileReplayPaused(
        () => createBook(ctx, { name: 'Fallback book', discountType: 'PERCENTAGE', discountValue: 5 }),
        async () => {
          // The primary answered (the paused standby would not know the book).
          expect((await listBooks(ctx, { search: 'Fallback book' })).totalCount).toBe(1);
          let attempts = 0;
          const replicaPool = (unreachable.replica as NonNullable<Database['replica']>).pool;
          const seen = await readFromReplica(ctx, async (clients) => {
            if (clients.pool === replicaPool) attempts++;
            return clients === unreachable.replica ? 'replica' : 'primary';
          });
          expect({ seen, attempts }).toEqual({ seen: 'primary', attempts: 0 });
        },
      );
    } finally {
      await unreachable.close();
    }
  });

  it('passes a read’s own error through without a second attempt', async () => {
    const servedBy: string[] = [];
    const failure = await readFromReplica({ db: routed }, async (clients) => {
      servedBy.push(clients === routed.replica ? 'replica' : 'primary');
      await clients.prisma.$queryRaw`SELECT 1/0`;
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Error);
    expect(servedBy).toEqual(['replica']);
  });

  it('sends routed reads to the primary while the standby lags past DATABASE_READ_MAX_LAG_MS, and back once it catches up', async () => {
    const bounded = createDatabase({
      url: replica.primaryUrl,
      readUrl: replica.replicaUrl,
      readMaxLagMs: 1_000,
      poolSize: 2,
      applicationName: 'bounded',
    });
    const servedBy = () => readFromReplica({ db: bounded }, async (clients) => (clients === bounded.replica ? 'replica' : 'primary'));
    const standbyOf = bounded.replica as NonNullable<Database['replica']>;
    try {
      const ctx = contextFor(bounded, admin);
      // Caught up: the standby serves (once the first check, started by the first read, is back).
      await eventually(servedBy, 'replica');
      await standby.query('SELECT pg_wal_replay_pause()');
      try {
        const book = await createBook(ctx, { name: 'Written while replay stalls', discountType: 'PERCENTAGE', discountValue: 5 });
        // Past the bound the routed reads see the write: the primary answers them.
        await eventually(async () => (await listBooks(ctx, { search: 'Written while replay stalls' })).totalCount, 1, 10_000);
        // ... and keeps answering while replay stays paused, though no read failed on the standby.
        for (let i = 0; i < 5; i++) {
          expect(await servedBy()).toBe('primary');
          expect((await listBooks(ctx, { search: 'Written while replay stalls' })).totalCount).toBe(1);
          expect((await listAuditLog(ctx, { targetId: book.id }, {})).totalCount).toBe(1);
          await new Promise((resolve) => setTimeout(resolve, 300));
        }
        // The standby itself still lacks the book: those answers came from the primary.
        expect(await standbyOf.prisma.book.count({ where: { id: book.id } })).toBe(0);
      } finally {
        await standby.query('SELECT pg_wal_replay_resume()');
      }
      await replica.caughtUp();
      // Caught up again: reads go back to the standby.
      await eventually(servedBy, 'replica', 10_000);
      expect((await listBooks(ctx, { search: 'Written while replay stalls' })).totalCount).toBe(1);
    } finally {
      await bounded.close();
    }
  });

  it('answers from the primary, with the same result, when the standby cancels the read for a recovery conflict (40001)', async () => {
    // A real conflict, not a mock: the standby cancels a query whose locks hold up replay after
    // 100 ms (instead of 30 s). Order of events:
    //  1. a transaction on the primary locks app_user exclusively and stays open; the standby
    //     replays the lock (its startup process holds it);
    //  2. the routed search by holder email reads coupon (its FROM, locked first) then app_user
    //     (the email subquery): on the standby it holds coupon and waits for app_user;
    //  3. the primary locks coupon exclusively and commits: replaying that lock conflicts with the
    //     waiting search, which the standby cancels with SQLSTATE 40001;
    //  4. the search runs again on the primary, waits there for step 1's lock, and answers once
    //     that transaction commits.
    await standby.query(`ALTER SYSTEM SET max_standby_streaming_delay = '100ms'`);
    await standby.query('SELECT pg_reload_conf()');
    const holder = new pg.Client({ connectionString: replica.primaryUrl });
    const primary = new pg.Client({ connectionString: replica.primaryUrl });
    const standbyDb = new pg.Client({ connectionString: replica.replicaUrl });
    try {
      await Promise.all([holder.connect(), primary.connect(), standbyDb.connect()]);
      const owner = await createUser(routed, 'USER');
      const { bookId } = await insertBook(routed, 3);
      await assignRandomCoupon(contextFor(routed, owner), { bookId });
      await assignRandomCoupon(contextFor(routed, owner), { bookId });
      await replica.caughtUp();
      const expected = await searchCoupons(contextFor(single, admin), { email: owner.email });
      expect(expected.totalCount).toBe(2);
      const conflicts = async () =>
        (await standbyDb.query<{ n: number }>(`SELECT confl_lock::int AS n FROM pg_stat_database_conflicts WHERE datname = current_database()`)).rows[0].n;
      const conflictsBefore = await conflicts();

      await holder.query('BEGIN');
      await holder.query('LOCK TABLE app_user IN ACCESS EXCLUSIVE MODE');
      // The lock's WAL record waits in a buffer until something flushes it: a commit elsewhere does.
      await primary.query('SELECT txid_current()');
      await eventually(async () => {
        const { rows } = await standbyDb.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_locks WHERE relation = 'app_user'::regclass AND mode = 'AccessExclusiveLock' AND granted`,
        );
        return rows[0].n;
      }, 1);
      const search = searchCoupons(contextFor(routed, admin), { email: owner.email }).then(
        (page) => ({ page }),
        (error: unknown) => ({ error }),
      );
      await eventually(() => waitsForLock(standbyDb, 'routed-read'), true);
      await primary.query('BEGIN');
      await primary.query('LOCK TABLE coupon IN ACCESS EXCLUSIVE MODE');
      await primary.query('COMMIT');
      // The standby cancelled it: the search is now on the primary, waiting for step 1's lock.
      await eventually(() => waitsForLock(primary, 'routed'), true);
      await holder.query('COMMIT');
      // No error reaches the caller, and the answer is the primary's.
      expect(await search).toEqual({ page: expected });
      expect(await conflicts()).toBeGreaterThan(conflictsBefore);
    } finally {
      await holder.query('ROLLBACK').catch(() => {});
      await Promise.all([holder.end(), primary.end(), standbyDb.end()].map((p) => p.catch(() => {})));
      await standby.query('ALTER SYSTEM RESET max_standby_streaming_delay');
      await standby.query('SELECT pg_reload_conf()');
    }
  });

  it('reads from the primary again once the replica is gone', async () => {
    await replica.stopReplica();
    const ctx = contextFor(routed, admin);
    await createBook(ctx, { name: 'After the replica', discountType: 'PERCENTAGE', discountValue: 5 });
    expect((await listBooks(ctx, { search: 'After the replica' })).totalCount).toBe(1);
    expect((await searchCoupons(ctx, {})).totalCount).toBeGreaterThan(0);
  });
});

/** Whether a connection of the server `client` is on, named `applicationName`, waits for a lock. */
async function waitsForLock(client: pg.Client, applicationName: string): Promise<boolean> {
  const { rows } = await client.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'`,
    [applicationName],
  );
  return rows[0].n > 0;
}

/** Polls `read` until it returns `expected` (deep equality), or fails with the last value after `timeoutMs`. */
async function eventually<T>(read: () => Promise<T>, expected: T, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await read();
  while (JSON.stringify(last) !== JSON.stringify(expected) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    last = await read();
  }
  expect(last).toEqual(expected);
}
