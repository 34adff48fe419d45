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
    routed = createDatabase({ url: replica.primaryUrl, readUrl: replica.replicaUrl, poolSize: 4, applicationName: 'routed' });
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

  it('reads from the primary again once the replica is gone', async () => {
    await replica.stopReplica();
    const ctx = contextFor(routed, admin);
    await createBook(ctx, { name: 'After the replica', discountType: 'PERCENTAGE', discountValue: 5 });
    expect((await listBooks(ctx, { search: 'After the replica' })).totalCount).toBe(1);
    expect((await searchCoupons(ctx, {})).totalCount).toBeGreaterThan(0);
  });
});
