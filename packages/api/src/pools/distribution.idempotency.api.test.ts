import { distributeToPool } from '@coupons/core';
import { contextFor } from '@coupons/core/testing';
import { describe, expect, it } from 'vitest';
import { createCampaign, createPool, createUsers, graphqlRequest, useApiTest } from '../../testing/index.ts';

// distributeToPool takes an idempotencyKey with the shopper mutations' rules (api-guide.md,
// "Idempotency"): per admin, the same key with the same arguments answers the first distribution
// and hands out nothing more (also when the retries race); with other arguments it is
// BAD_USER_INPUT naming idempotencyKey; a failed attempt is not remembered.

const t = useApiTest({ users: ['alice', 'bob', 'carol'], accounts: 'inserted' });

const DISTRIBUTE = `mutation ($poolId: ID!, $bookId: ID!, $mode: DistributionMode!, $count: Int!, $seed: String, $idempotencyKey: String) {
  distributeToPool(poolId: $poolId, bookId: $bookId, mode: $mode, count: $count, seed: $seed, idempotencyKey: $idempotencyKey) {
    id mode requested assigned remainder createdAt createdBy { id } pool { id } book { id } } }`;
const STATUS = (name: string) => `mutation ($id: ID!) { ${name}(id: $id) { id status } }`;

type Distributed = { distributeToPool: { id: string; assigned: number; createdAt: string } };

/** What the database holds for the book: coupons handed out, distributions, counters. */
async function counts(bookId: string): Promise<{ handedOut: number; distributions: number; counted: number }> {
  const { rows } = await t.server.db.pool.query(
    `SELECT (SELECT count(*) FROM coupon WHERE book_id = $1 AND state <> 'UNASSIGNED')::int AS "handedOut",
            (SELECT count(*) FROM distribution WHERE book_id = $1)::int AS distributions,
            (SELECT coalesce(sum(assigned_count), 0) FROM user_book_counter WHERE book_id = $1)::int AS counted`,
    [bookId],
  );
  return rows[0];
}

async function setup(coupons: number) {
  const book = await createCampaign(t.server, t.admin, coupons);
  const poolId = await createPool(t.server, t.admin, [t.alice, t.bob, t.carol]);
  return { bookId: book.bookId, poolId };
}

describe('distributeToPool with an idempotencyKey', () => {
  it('a retry with the same key answers the same distribution and hands out nothing more', async () => {
    const { bookId, poolId } = await setup(20);
    const vars = { poolId, bookId, mode: 'RANDOM', count: 4, idempotencyKey: 'dist-retry-1' };
    const first = await graphqlRequest<Distributed>(t.server, DISTRIBUTE, vars, t.admin.token);
    expect(first.errors).toBeUndefined();
    const after = await counts(bookId);
    expect(after).toEqual({ handedOut: 4, distributions: 1, counted: 4 });

    const retry = await graphqlRequest<Distributed>(t.server, DISTRIBUTE, vars, t.admin.token);
    expect(retry.errors).toBeUndefined();
    expect(retry.data).toEqual(first.data);
    expect(await counts(bookId)).toEqual(after);

    // Without a key nothing changes: every call distributes.
    const { idempotencyKey: _, ...keyless } = vars;
    const a = await graphqlRequest<Distributed>(t.server, DISTRIBUTE, keyless, t.admin.token);
    const b = await graphqlRequest<Distributed>(t.server, DISTRIBUTE, keyless, t.admin.token);
    expect(a.data?.distributeToPool.id).not.toBe(b.data?.distributeToPool.id);
    expect(await counts(bookId)).toMatchObject({ handedOut: 12, distributions: 3 });
  });

  it('the stored record comes back whole: the same id, plan and createdAt (a Date)', async () => {
    const { bookId, poolId } = await setup(20);
    const ctx = contextFor(t.server.db, { userId: t.admin.id, role: 'ADMIN' }, t.server.clock);
    const args = { poolId, bookId, mode: 'EQUAL' as const, count: 7, idempotencyKey: 'dist-core-1' };
    const first = await distributeToPool(ctx, args);
    const again = await distributeToPool(ctx, args);
    expect(again.createdAt).toBeInstanceOf(Date);
    expect(again).toEqual(first);
    expect(again.plan.perUser.reduce((n, e) => n + e.count, 0)).toBe(6);
    expect(await counts(bookId)).toMatchObject({ handedOut: 6, distributions: 1 });
  });

  it('10 requests racing with one key make one distribution, and all answer it', async () => {
    const { bookId, poolId } = await setup(50);
    const vars = { poolId, bookId, mode: 'RANDOM', count: 3, idempotencyKey: 'dist-race-1' };
    const answers = await Promise.all(Array.from({ length: 10 }, () => graphqlRequest<Distributed>(t.server, DISTRIBUTE, vars, t.admin.token)));
    for (const answer of answers) expect(answer.errors).toBeUndefined();
    const ids = new Set(answers.map((a) => a.data?.distributeToPool.id));
    expect(ids.size).toBe(1);
    for (const answer of answers) expect(answer.data).toEqual(answers[0].data);
    expect(await counts(bookId)).toEqual({ handedOut: 3, distributions: 1, counted: 3 });
  });

  it('the same key with other arguments is BAD_USER_INPUT naming idempotencyKey, and hands out nothing', async () => {
    const { bookId, poolId } = await setup(20);
    const vars = { poolId, bookId, mode: 'RANDOM', count: 2, idempotencyKey: 'dist-other-1' };
    expect((await graphqlRequest(t.server, DISTRIBUTE, vars, t.admin.token)).errors).toBeUndefined();
    for (const other of [{ count: 3 }, { mode: 'EQUAL' }, { seed: 'another' }]) {
      const reused = await graphqlRequest(t.server, DISTRIBUTE, { ...vars, ...other }, t.admin.token);
      expect(reused.errors?.[0].extensions, JSON.stringify(other)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'idempotencyKey' });
    }
    expect(await counts(bookId)).toMatchObject({ handedOut: 2, distributions: 1 });
  });

  it("a key is the admin's own: another admin's same key distributes on its own", async () => {
    const { bookId, poolId } = await setup(20);
    const [other] = await createUsers(t.server, 1, 'ADMIN');
    const vars = { poolId, bookId, mode: 'RANDOM', count: 2, idempotencyKey: 'dist-shared-1' };
    const mine = await graphqlRequest<Distributed>(t.server, DISTRIBUTE, vars, t.admin.token);
    const theirs = await graphqlRequest<Distributed>(t.server, DISTRIBUTE, vars, other.token);
    expect(mine.errors).toBeUndefined();
    expect(theirs.errors).toBeUndefined();
    expect(theirs.data?.distributeToPool.id).not.toBe(mine.data?.distributeToPool.id);
    expect(await counts(bookId)).toMatchObject({ handedOut: 4, distributions: 2 });
  });

  it('a failed first attempt is not remembered: after BOOK_NOT_ACTIVE the same key distributes once the book resumes', async () => {
    const { bookId, poolId } = await setup(20);
    expect((await graphqlRequest(t.server, STATUS('pauseBook'), { id: bookId }, t.admin.token)).errors).toBeUndefined();
    const vars = { poolId, bookId, mode: 'RANDOM', count: 2, idempotencyKey: 'dist-failed-1' };
    const failed = await graphqlRequest(t.server, DISTRIBUTE, vars, t.admin.token);
    expect(failed.errors?.[0].extensions).toMatchObject({ code: 'BOOK_NOT_ACTIVE', reason: 'PAUSED' });
    expect(await counts(bookId)).toMatchObject({ handedOut: 0, distributions: 0 });

    expect((await graphqlRequest(t.server, STATUS('resumeBook'), { id: bookId }, t.admin.token)).errors).toBeUndefined();
    const done = await graphqlRequest<Distributed>(t.server, DISTRIBUTE, vars, t.admin.token);
    expect(done.errors).toBeUndefined();
    const again = await graphqlRequest<Distributed>(t.server, DISTRIBUTE, vars, t.admin.token);
    expect(again.data).toEqual(done.data);
    expect(await counts(bookId)).toEqual({ handedOut: 2, distributions: 1, counted: 2 });
  });

  it('a malformed key is BAD_USER_INPUT naming idempotencyKey, as for the shopper mutations', async () => {
    const { bookId, poolId } = await setup(5);
    const bad = await graphqlRequest(t.server, DISTRIBUTE, { poolId, bookId, mode: 'RANDOM', count: 1, idempotencyKey: 'has space' }, t.admin.token);
    expect(bad.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'idempotencyKey' });
    expect(await counts(bookId)).toMatchObject({ handedOut: 0, distributions: 0 });
  });
});
