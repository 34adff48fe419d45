import { Prisma } from '@coupons/db';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  type ApiUser,
  call,
  createCampaign,
  createPool,
  createUsers,
  graphqlRequest,
  OPS,
  type Outcome,
  signUp,
  useApiTest,
} from '../../testing/index.ts';
import { expectInvariants } from './book.snapshot.ts';

// The races of issue 3, over real HTTP against one API server: each fires its requests at once
// and then checks the answers, the rows, and the invariant checker.

const t = useApiTest({ users: [], accounts: 'inserted' });
beforeEach(() => expectInvariants(t.server.db, 'before the race'));

/** How many answers had each code ('ok' for successes). */
function tally(outcomes: Outcome[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of outcomes) counts[o.ok ? 'ok' : o.code] = (counts[o.ok ? 'ok' : o.code] ?? 0) + 1;
  return counts;
}

const successes = <T>(outcomes: Outcome<T>[]) => outcomes.flatMap((o) => (o.ok ? [o.data] : []));

async function countRows(table: 'redemption' | 'coupon_event', where: Prisma.Sql): Promise<number> {
  const [row] = await t.server.db.prisma.$queryRaw<Array<{ n: number }>>(
    Prisma.sql`SELECT count(*)::int AS n FROM ${Prisma.raw(table)} WHERE ${where}`,
  );
  return row.n;
}

async function assignedAndLocked(user: ApiUser, codes: string[]): Promise<void> {
  for (const code of codes) {
    expect((await call(t.server, OPS.assignCode, { code }, user.token)).ok).toBe(true);
    expect((await call(t.server, OPS.lock, { code }, user.token)).ok).toBe(true);
  }
}

describe('races over HTTP', () => {
  it('1,000 concurrent assignRandomCoupon for 100 codes: exactly 100 distinct winners, 900 SOLD_OUT', async () => {
    const [{ bookId }, racers] = await Promise.all([createCampaign(t.server, t.admin, 100), createUsers(t.server, 1_000)]);
    const started = performance.now();
    const outcomes = await Promise.all(racers.map((u) => call(t.server, OPS.assignRandom, { bookId }, u.token)));
    const wallMs = performance.now() - started;
    console.info(`[races] 1,000 concurrent assignRandomCoupon over HTTP for 100 codes: ${wallMs.toFixed(0)} ms wall time`);
    expect(tally(outcomes)).toEqual({ ok: 100, SOLD_OUT: 900 });
    const won = successes<{ code: string; assignedUserId: string }>(outcomes);
    expect(new Set(won.map((c) => c.code)).size).toBe(100);
    const winners = racers.filter((_, i) => outcomes[i].ok).map((u) => u.id);
    expect(won.map((c) => c.assignedUserId)).toEqual(winners);
    expect(await countRows('coupon_event', Prisma.sql`book_id = ${bookId}::uuid AND type = 'ASSIGNED'`)).toBe(100);
    await expectInvariants(t.server.db);
  });

  it('50 concurrent assigns by one user with maxAssignmentsPerUser = 3: exactly 3, the rest LIMIT_REACHED', async () => {
    const [{ bookId }, [user]] = await Promise.all([createCampaign(t.server, t.admin, 10, { maxAssignmentsPerUser: 3 }), createUsers(t.server, 1)]);
    const outcomes = await Promise.all(Array.from({ length: 50 }, () => call(t.server, OPS.assignRandom, { bookId }, user.token)));
    expect(tally(outcomes)).toEqual({ ok: 3, LIMIT_REACHED: 47 });
    await expectInvariants(t.server.db);
  });

  it('20 concurrent redeems of one locked coupon: one Redemption, the others see it REDEEMED', async () => {
    const [{ codes: [code] }, [user]] = await Promise.all([createCampaign(t.server, t.admin, 1), createUsers(t.server, 1)]);
    await assignedAndLocked(user, [code]);
    const outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) => call(t.server, OPS.redeem, { code, metadata: { attempt: i } }, user.token)));
    expect(tally(outcomes)).toEqual({ ok: 1, INVALID_STATE: 19 });
    expect(await countRows('redemption', Prisma.sql`coupon_id = (SELECT id FROM coupon WHERE code = ${code})`)).toBe(1);
    await expectInvariants(t.server.db);
  });

  it('concurrent lockCoupon from two logins of the owner: one lock', async () => {
    const owner = await signUp(t.server);
    const login = async () => {
      const res = await graphqlRequest<{ login: { token: string } }>(t.server, 'mutation ($e: String!, $p: String!) { login(email: $e, password: $p) { token } }', { e: owner.email, p: owner.password });
      return res.data!.login.token;
    };
    const phone = await login();
    t.server.clock.advance(1_000); // a second later: a different token, as from another device
    const laptop = await login();
    expect(phone).not.toBe(laptop);
    const [{ codes: [code] }] = await Promise.all([createCampaign(t.server, t.admin, 1)]);
    expect((await call(t.server, OPS.assignCode, { code }, phone)).ok).toBe(true);
    const outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) => call(t.server, OPS.lock, { code }, i % 2 ? phone : laptop)));
    expect(tally(outcomes)).toEqual({ ok: 1, INVALID_STATE: 19 });
    expect(await countRows('coupon_event', Prisma.sql`coupon_id = (SELECT id FROM coupon WHERE code = ${code}) AND type = 'LOCKED'`)).toBe(1);
    await expectInvariants(t.server.db);
  });

  it('multi-redemption book: concurrent redeems of five locked coupons never pass maxRedemptionsPerUser = 3', async () => {
    const [{ codes }, [user]] = await Promise.all([
      createCampaign(t.server, t.admin, 5, { allowMultipleRedemptions: true, maxRedemptionsPerUser: 3 }),
      createUsers(t.server, 1),
    ]);
    await assignedAndLocked(user, codes);
    const outcomes = await Promise.all(codes.flatMap((code) => Array.from({ length: 4 }, () => call(t.server, OPS.redeem, { code }, user.token))));
    // As in any serial order: a coupon that won a redemption is no longer LOCKED, so its other
    // three redeems are INVALID_STATE; a coupon that never won found the limit reached, four times.
    const perCoupon = codes.map((_, i) => tally(outcomes.slice(i * 4, i * 4 + 4)));
    for (const counts of perCoupon) expect([{ ok: 1, INVALID_STATE: 3 }, { LIMIT_REACHED: 4 }]).toContainEqual(counts);
    expect(tally(outcomes)).toEqual({ ok: 3, INVALID_STATE: 9, LIMIT_REACHED: 8 });
    const [counter] = await t.server.db.prisma.$queryRaw<Array<{ redeemed_count: number }>>(Prisma.sql`
      SELECT redeemed_count FROM user_book_counter WHERE user_id = ${user.id}::uuid`);
    expect(counter.redeemed_count).toBe(3);
    await expectInvariants(t.server.db);
  });

  it('concurrent distributeToPool and assignRandomCoupon on one book: no coupon twice, no limit passed', async () => {
    const [{ bookId, codes }, members, shoppers] = await Promise.all([
      createCampaign(t.server, t.admin, 150, { maxAssignmentsPerUser: 2 }),
      createUsers(t.server, 40),
      createUsers(t.server, 60),
    ]);
    const poolId = await createPool(t.server, t.admin, members);
    const distribute = (mode: 'EQUAL' | 'RANDOM', count: number) =>
      call(t.server, OPS.distribute, { poolId, bookId, mode, count }, t.admin.token);
    // Pool members also assign for themselves at the same time: their limit is shared.
    const outcomes = await Promise.all([
      distribute('EQUAL', 2 * members.length), // count is the total: 2 each
      distribute('RANDOM', 30),
      ...[...shoppers, ...members].map((u) => call(t.server, OPS.assignRandom, { bookId }, u.token)),
    ]);
    // A shopper outside the pool assigns once, so the limit of 2 is never theirs to reach: only a
    // pool member (whom the distributions also serve) or a distribution may see LIMIT_REACHED.
    const [byDistribution, byShopper, byMember] = [outcomes.slice(0, 2), outcomes.slice(2, 2 + shoppers.length), outcomes.slice(2 + shoppers.length)];
    for (const o of [...byDistribution, ...byMember]) expect(o.ok || ['SOLD_OUT', 'LIMIT_REACHED'].includes(o.code), JSON.stringify(o)).toBe(true);
    for (const o of byShopper) expect(o.ok || o.code === 'SOLD_OUT', JSON.stringify(o)).toBe(true);
    const rows = await t.server.db.prisma.$queryRaw<Array<{ owner: string | null; n: number }>>(Prisma.sql`
      SELECT assigned_user_id::text AS owner, count(*)::int AS n FROM coupon WHERE book_id = ${bookId}::uuid GROUP BY 1`);
    const assigned = rows.filter((r) => r.owner !== null);
    expect(assigned.every((r) => r.n <= 2)).toBe(true);
    const handedOut = successes<{ assigned?: number }>(outcomes).reduce((sum, d) => sum + (d.assigned ?? 1), 0);
    expect(assigned.reduce((sum, r) => sum + r.n, 0)).toBe(handedOut);
    expect(handedOut).toBeLessThanOrEqual(codes.length);
    // One ASSIGNED event per coupon: none was handed out twice.
    const [events] = await t.server.db.prisma.$queryRaw<Array<{ dup: number }>>(Prisma.sql`
      SELECT count(*)::int AS dup FROM (SELECT coupon_id FROM coupon_event WHERE book_id = ${bookId}::uuid AND type = 'ASSIGNED'
        GROUP BY coupon_id HAVING count(*) > 1) d`);
    expect(events.dup).toBe(0);
    await expectInvariants(t.server.db);
  });

  describe('an idempotency key retried 20 times at once: one effect, 20 equal answers', () => {
    it('redeemCoupon', async () => {
      const [{ codes: [code] }, [user]] = await Promise.all([createCampaign(t.server, t.admin, 1), createUsers(t.server, 1)]);
      await assignedAndLocked(user, [code]);
      const outcomes = await Promise.all(
        Array.from({ length: 20 }, () => call(t.server, OPS.redeem, { code, key: 'order-7', metadata: { orderId: 7 } }, user.token)),
      );
      expect(tally(outcomes)).toEqual({ ok: 20 });
      expect(new Set(outcomes.map((o) => JSON.stringify(o))).size).toBe(1);
      expect(await countRows('redemption', Prisma.sql`user_id = ${user.id}::uuid`)).toBe(1);
      await expectInvariants(t.server.db);
    });

    it('assignRandomCoupon and lockCoupon', async () => {
      const [{ bookId }, [user]] = await Promise.all([createCampaign(t.server, t.admin, 10), createUsers(t.server, 1)]);
      const assigns = await Promise.all(Array.from({ length: 20 }, () => call(t.server, OPS.assignRandom, { bookId, key: 'a-1' }, user.token)));
      expect(tally(assigns)).toEqual({ ok: 20 });
      expect(new Set(assigns.map((o) => JSON.stringify(o))).size).toBe(1);
      const { code } = successes<{ code: string }>(assigns)[0];
      const locks = await Promise.all(Array.from({ length: 20 }, () => call(t.server, OPS.lock, { code, key: 'l-1' }, user.token)));
      expect(tally(locks)).toEqual({ ok: 20 });
      expect(new Set(locks.map((o) => JSON.stringify(o))).size).toBe(1);
      expect(await countRows('coupon_event', Prisma.sql`user_id = ${user.id}::uuid`)).toBe(2); // ASSIGNED, LOCKED
      await expectInvariants(t.server.db);
    });
  });
});
