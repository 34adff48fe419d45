import { describe, expect, it } from 'vitest';
import { createCampaign, createPool, graphqlRequest, OPS, useApiTest } from '../../testing/index.ts';

// A book that cannot be used refuses every way of handing out its coupons the same way, with
// extensions.reason (api-guide.md, "Campaign control" and the error table): a claim, and a pool
// distribution or its preview, whether the book is paused, archived or outside its window.

const t = useApiTest({ users: ['alice', 'bob'], accounts: 'inserted' });
const STATUS = (name: string) => `mutation ($id: ID!) { ${name}(id: $id) { id status } }`;
const PREVIEW = `mutation ($poolId: ID!, $bookId: ID!, $count: Int!) {
  previewDistribution(poolId: $poolId, bookId: $bookId, mode: RANDOM, count: $count) { requested available } }`;

async function handedOut(bookId: string): Promise<number> {
  const { rows } = await t.server.db.pool.query(`SELECT count(*)::int AS n FROM coupon WHERE book_id = $1 AND state <> 'UNASSIGNED'`, [bookId]);
  return rows[0].n;
}

describe('distributeToPool and previewDistribution on a book that cannot be used', () => {
  for (const [mutation, reason] of [['pauseBook', 'PAUSED'], ['archiveBook', 'ARCHIVED']] as const) {
    it(`after ${mutation}: BOOK_NOT_ACTIVE (${reason}) like a claim, from the distribution and its preview, and nothing handed out`, async () => {
      const book = await createCampaign(t.server, t.admin, 4);
      const pool = await createPool(t.server, t.admin, [t.alice, t.bob]);
      expect((await graphqlRequest(t.server, STATUS(mutation), { id: book.bookId }, t.admin.token)).errors).toBeUndefined();

      const claim = await graphqlRequest(t.server, OPS.assignRandom, { bookId: book.bookId }, t.alice.token);
      expect(claim.errors?.[0].extensions).toMatchObject({ code: 'BOOK_NOT_ACTIVE', reason });
      const preview = await graphqlRequest(t.server, PREVIEW, { poolId: pool, bookId: book.bookId, count: 2 }, t.admin.token);
      expect(preview.errors?.[0].extensions).toMatchObject({ code: 'BOOK_NOT_ACTIVE', reason });
      const dist = await graphqlRequest(t.server, OPS.distribute, { poolId: pool, bookId: book.bookId, mode: 'RANDOM', count: 2 }, t.admin.token);
      expect({ error: dist.errors?.[0].extensions, handedOut: await handedOut(book.bookId) }).toMatchObject({
        error: { code: 'BOOK_NOT_ACTIVE', reason },
        handedOut: 0,
      });
    });
  }

  it('after resumeBook: the distribution goes through again', async () => {
    const book = await createCampaign(t.server, t.admin, 4);
    const pool = await createPool(t.server, t.admin, [t.alice, t.bob]);
    await graphqlRequest(t.server, STATUS('pauseBook'), { id: book.bookId }, t.admin.token);
    await graphqlRequest(t.server, STATUS('resumeBook'), { id: book.bookId }, t.admin.token);
    const dist = await graphqlRequest(t.server, OPS.distribute, { poolId: pool, bookId: book.bookId, mode: 'RANDOM', count: 2 }, t.admin.token);
    expect(dist.errors).toBeUndefined();
    expect(await handedOut(book.bookId)).toBe(2);
  });

  it('outside the validity window: BOOK_NOT_ACTIVE names the reason (NOT_STARTED, ENDED) as a claim does', async () => {
    const now = t.server.clock.now().getTime();
    const pool = await createPool(t.server, t.admin, [t.alice, t.bob]);
    const windows = [
      { reason: 'NOT_STARTED', window: { validFrom: new Date(now + 60_000) } },
      { reason: 'ENDED', window: { validFrom: new Date(now - 120_000), validUntil: new Date(now) } },
    ] as const;
    for (const { reason, window } of windows) {
      const book = await createCampaign(t.server, t.admin, 4, window);
      const claim = await graphqlRequest(t.server, OPS.assignRandom, { bookId: book.bookId }, t.alice.token);
      expect(claim.errors?.[0].extensions, reason).toMatchObject({ code: 'BOOK_NOT_ACTIVE', reason });
      const preview = await graphqlRequest(t.server, PREVIEW, { poolId: pool, bookId: book.bookId, count: 2 }, t.admin.token);
      expect(preview.errors?.[0].extensions, reason).toMatchObject({ code: 'BOOK_NOT_ACTIVE', reason });
      const dist = await graphqlRequest(t.server, OPS.distribute, { poolId: pool, bookId: book.bookId, mode: 'RANDOM', count: 2 }, t.admin.token);
      expect(dist.errors?.[0].extensions, reason).toMatchObject({ code: 'BOOK_NOT_ACTIVE', reason });
      expect(await handedOut(book.bookId)).toBe(0);
    }
  });
});
