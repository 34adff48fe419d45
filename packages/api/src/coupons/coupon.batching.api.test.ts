import { Prisma } from '@coupons/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphqlRequest, signUp, startTestServer, type TestServer } from '../../testing/index.ts';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

/**
 * Counts the SQL statements the server sends for requests while `work` runs (every query goes
 * through the pool). Background work sharing the pool is not counted: the lock sweeper, the
 * after-commit NOTIFY of earlier mutations' events, and the mutation rate limiter's batched sync
 * of their counts (every 250 ms).
 */
const BACKGROUND = ["'LOCK_EXPIRED'", 'pg_notify', 'rate_limit_bucket'];

async function countStatements(work: () => Promise<unknown>): Promise<number> {
  const pool = server.db.pool;
  const original = pool.query.bind(pool);
  let count = 0;
  pool.query = ((...args: Parameters<typeof original>) => {
    const text = typeof args[0] === 'string' ? args[0] : (args[0] as { text?: string })?.text ?? '';
    if (!BACKGROUND.some((marker) => text.includes(marker))) count++;
    return original(...args);
  }) as typeof pool.query;
  try {
    await work();
  } finally {
    pool.query = original;
  }
  return count;
}

describe('nested fields are batched (DataLoader)', () => {
  it('a page of 50 coupons with their book and user costs as many statements as a page of 5', async () => {
    const admin = await signUp(server, 'ADMIN');
    const user = await signUp(server);
    for (let b = 0; b < 5; b++) {
      const created = await graphqlRequest<{ createBook: { id: string } }>(
        server,
        `mutation { createBook(input: { name: "Batch ${b}", discountType: PERCENTAGE, discountValue: 5 }) { id } }`,
        {},
        admin.token,
      );
      const bookId = created.data!.createBook.id;
      const codes = Array.from({ length: 10 }, (_, i) => `BATCH-${b}-${i}`);
      await server.db.prisma.$executeRaw(
        Prisma.sql`INSERT INTO coupon (book_id, code) SELECT ${bookId}::uuid, unnest(${codes}::text[])`,
      );
      for (let i = 0; i < 10; i++) {
        const assigned = await graphqlRequest(server, 'mutation ($b: ID!) { assignRandomCoupon(bookId: $b) { id } }', { b: bookId }, user.token);
        expect(assigned.errors).toBeUndefined();
      }
    }
    const pageOf = async (first: number) => {
      let edges = 0;
      const statements = await countStatements(async () => {
        const response = await graphqlRequest<{ myCoupons: { edges: unknown[] } }>(
          server,
          'query ($first: Int) { myCoupons(first: $first) { edges { node { code book { name counts { total } } user { email } } } } }',
          { first },
          user.token,
        );
        expect(response.errors).toBeUndefined();
        edges = response.data!.myCoupons.edges.length;
      });
      return { statements, edges };
    };
    // The fewest of three reads: background work that shares the pool (webhook and outbox polls
    // on their own timers) can only add a statement now and then, never take one away.
    const fewest = async (first: number) => {
      const reads = [await pageOf(first), await pageOf(first), await pageOf(first)];
      return reads.reduce((a, b) => (b.statements < a.statements ? b : a));
    };
    const small = await fewest(5);
    const large = await fewest(50);
    expect(large.edges).toBe(50);
    expect(large.statements).toBe(small.statements);
    expect(large.statements).toBeLessThan(10);
  });
});
