import { Prisma } from '@coupons/db';
import { holdLock, lockWaiters } from '@coupons/db/testing';
import { describe, expect, it } from 'vitest';
import { contextFor, createBook, createUser, generousSignInLimits, useServiceTest, serviceAnswer, TEST_TOKEN_SETTINGS } from '../../testing/index.ts';
import { createApiKey } from '../../src/apikeys/api-key.service.ts';
import { type AuthSettings, login, register } from '../../src/auth/auth.service.ts';
import { refreshSession, type SessionSettings, startRefreshFamily } from '../../src/auth/refresh-token.service.ts';
import { assignCoupon, lockCoupon, redeemCoupon } from '../../src/coupons/index.ts';
import { checkInvariants } from '../../src/invariants/invariants.ts';
import { type DistributionRecord, distributeToPool } from '../../src/pools/distribution.service.ts';
import { addPoolMembers, removePoolMembers } from '../../src/pools/pool-member.service.ts';
import { createPool } from '../../src/pools/pool.service.ts';
import type { Caller } from '../../src/shared/context.ts';
import { ensureCustomer, findCustomer } from '../../src/users/customer.service.ts';
import { type EraseSummary, ERASED_REASON, eraseUser } from '../../src/users/user-admin.service.ts';

// eraseUser racing what pools do with the user: a distribution that includes them, and changes of
// the pools they are in. The rule (DESIGN.md, docs/api-guide.md "eraseUser"): racing requests
// answer as if they ran one after the other, and no coupon, and no pool membership, is ever left
// with an erased account. Each forced interleaving parks one side on a row lock held by a plain
// `pg` client (observed through pg_stat_activity, never by sleeping), then lets the holder go;
// the plain rounds at the end start both sides together and judge each outcome against the
// serial orders, listed explicitly.

const t = useServiceTest({ poolSize: 20 });

const admin = () => contextFor(t.db, t.admin);

/** A call's answer as the service gives it: a raw database error (a foreign key deciding) is no contract answer. */
const outcome = serviceAnswer;

/** A separate connection that holds row locks in an open transaction until `end`. */
async function hold(sql: string, params: unknown[]) {
  const holder = await holdLock(t.db.pool, sql, params);
  if (!holder.result.rowCount) {
    await holder.end();
    throw new Error(`the holder locked nothing: ${sql}`);
  }
  return holder;
}

// What each side's statements look like in pg_stat_activity while they wait.
const ERASE_AT_USER = '%FROM app_user WHERE id = %FOR UPDATE%';
const ERASE_AT_COUPONS = '%FROM coupon%WHERE assigned_user_id = %FOR UPDATE%';
const ERASE_AT_IDEMPOTENCY = '%DELETE FROM%idempotency_record%';
const DISTRIBUTION_AT_MEMBERS = '%FOR KEY SHARE OF u%';
const DISTRIBUTION_AT_COUNTERS = '%FROM user_book_counter%FOR UPDATE%';
const ADD_MEMBERS_AT_INSERT = '%INSERT INTO pool_member%';
const REMOVE_MEMBERS_AT_DELETE = '%DELETE FROM%pool_member%';

/** A pool of `members`, and a book of `codes` codes. */
async function scene(members: Caller[], codes = 10): Promise<{ poolId: string; bookId: string }> {
  const [{ bookId }, pool] = await Promise.all([createBook(t.db, codes), createPool(admin(), { name: `Erase race ${members.length}` })]);
  if (members.length > 0) await addPoolMembers(admin(), { poolId: pool.id, userIds: members.map((m) => m.userId) });
  return { poolId: pool.id, bookId };
}

/** Gives `user` one coupon of a book of its own (what the holder locks to park an erase); returns its code. */
async function giveOneCoupon(user: Caller): Promise<string> {
  const { codes } = await createBook(t.db, 1);
  await assignCoupon(admin(), { code: codes[0], userId: user.userId });
  return codes[0];
}

const shareOf = (d: DistributionRecord, userId: string) => d.plan.perUser.find((e) => e.userId === userId)?.count ?? 0;

/** What the erased user is left with, and what the book looks like, after both sides answered. */
async function afterwards(userId: string, bookId: string) {
  const [[row], memberships, counters, byState, paths] = await Promise.all([
    t.db.prisma.$queryRaw<Array<{ held: number; erased: boolean }>>(Prisma.sql`
      SELECT (SELECT count(*)::int FROM coupon WHERE assigned_user_id = ${userId}::uuid AND state IN ('ASSIGNED', 'LOCKED')) AS held,
             (SELECT erased_at IS NOT NULL FROM app_user WHERE id = ${userId}::uuid) AS erased`),
    t.db.prisma.poolMember.count({ where: { userId } }),
    t.db.prisma.userBookCounter.findMany({ where: { userId } }),
    t.db.prisma.$queryRaw<Array<{ state: string; n: number }>>(Prisma.sql`
      SELECT state::text AS state, count(*)::int AS n FROM coupon WHERE book_id = ${bookId}::uuid GROUP BY state ORDER BY state`),
    // Every coupon of the book that was ever assigned to the user: its ASSIGNED/UNASSIGNED history.
    t.db.prisma.$queryRaw<Array<{ path: string }>>(Prisma.sql`
      SELECT string_agg(e.type::text || ':' || COALESCE(CASE WHEN e.user_id = ${userId}::uuid THEN 'them' ELSE e.user_id::text END, '-')
                        || ':' || COALESCE(e.reason, ''), ' > ' ORDER BY e.id) AS path
      FROM coupon_event e
      WHERE e.book_id = ${bookId}::uuid AND e.type IN ('ASSIGNED', 'UNASSIGNED')
        AND e.coupon_id IN (SELECT coupon_id FROM coupon_event WHERE book_id = ${bookId}::uuid AND user_id = ${userId}::uuid)
      GROUP BY e.coupon_id`),
  ]);
  return {
    held: row.held,
    erased: row.erased,
    memberships,
    assignedCount: counters.reduce((n, c) => n + c.assignedCount, 0),
    states: Object.fromEntries(byState.map((s) => [s.state, s.n])),
    paths: paths.map((p) => p.path),
  };
}

async function expectNoViolations(): Promise<void> {
  expect(await checkInvariants(t.db.prisma)).toEqual([]);
}

describe('eraseUser racing a distribution to a pool the user is in', () => {
  it('the distribution holds the member first (parked at their counter): the erase waits, then gives back what it handed them', async () => {
    const [target, other] = await Promise.all([createUser(t.db), createUser(t.db)]);
    const { poolId, bookId } = await scene([target, other]);
    // A counter row to hold (lockMemberCounters creates missing ones; this one exists already).
    await t.db.prisma.$executeRaw(Prisma.sql`
      INSERT INTO user_book_counter (user_id, book_id, assigned_count, redeemed_count, max_assignments)
      VALUES (${target.userId}::uuid, ${bookId}::uuid, 0, 0, NULL)`);
    const holder = await hold('SELECT 1 FROM user_book_counter WHERE user_id = $1 AND book_id = $2 FOR UPDATE', [target.userId, bookId]);
    // The distribution has its members' rows FOR KEY SHARE and waits at the counters…
    const distributed = outcome(distributeToPool(admin(), { poolId, bookId, mode: 'EQUAL', count: 4 }));
    await lockWaiters(t.db.pool, 1, { like: DISTRIBUTION_AT_COUNTERS });
    // …so the erase, which takes the user's row FOR UPDATE, waits for it.
    const erased = outcome(eraseUser(admin(), target.userId));
    await lockWaiters(t.db.pool, 1, { like: ERASE_AT_USER });
    await holder.end('COMMIT');
    const [d, e] = await Promise.all([distributed, erased]);

    // Serially: the distribution (2 each), then the erase gives their 2 back.
    if (!d.ok || !e.ok) throw new Error(`distribution ${JSON.stringify(d)}, erase ${JSON.stringify(e)}`);
    expect(d.value.assigned).toBe(4);
    expect(shareOf(d.value, target.userId)).toBe(2);
    expect(shareOf(d.value, other.userId)).toBe(2);
    expect(e.value).toMatchObject<Partial<EraseSummary>>({ couponsReturned: 2, couponsKept: 0, poolMemberships: 1 });
    const after = await afterwards(target.userId, bookId);
    expect(after).toMatchObject({ held: 0, erased: true, memberships: 0, assignedCount: 0, states: { ASSIGNED: 2, UNASSIGNED: 8 } });
    expect(after.paths).toEqual(Array(2).fill(`ASSIGNED:them: > UNASSIGNED:-:${ERASED_REASON}`));
    await expectNoViolations();
  });

  it('the erase holds the member first (parked at their coupons): the distribution waits, then passes them by', async () => {
    const [target, other] = await Promise.all([createUser(t.db), createUser(t.db)]);
    const { poolId, bookId } = await scene([target, other]);
    const code = await giveOneCoupon(target);
    const holder = await hold('SELECT 1 FROM coupon WHERE code = $1 FOR UPDATE', [code]);
    // The erase has the user's row FOR UPDATE and waits for their coupon…
    const erased = outcome(eraseUser(admin(), target.userId));
    await lockWaiters(t.db.pool, 1, { like: ERASE_AT_COUPONS });
    // …so the distribution waits at the member's row (FOR KEY SHARE) and re-reads it once the erase commits.
    const distributed = outcome(distributeToPool(admin(), { poolId, bookId, mode: 'EQUAL', count: 4 }));
    await lockWaiters(t.db.pool, 1, { like: DISTRIBUTION_AT_MEMBERS });
    await holder.end('COMMIT');
    const [d, e] = await Promise.all([distributed, erased]);

    // Serially: the erase, then a distribution over the one member left (4 of 4 to them).
    if (!d.ok || !e.ok) throw new Error(`distribution ${JSON.stringify(d)}, erase ${JSON.stringify(e)}`);
    expect(e.value).toMatchObject<Partial<EraseSummary>>({ couponsReturned: 1, couponsKept: 0, poolMemberships: 1 });
    expect(d.value.assigned).toBe(4);
    expect(shareOf(d.value, target.userId)).toBe(0);
    expect(shareOf(d.value, other.userId)).toBe(4);
    const after = await afterwards(target.userId, bookId);
    expect(after).toMatchObject({ held: 0, erased: true, memberships: 0, assignedCount: 0, states: { ASSIGNED: 4, UNASSIGNED: 6 }, paths: [] });
    await expectNoViolations();
  });

  it('the erase holds the pool\'s only member: the distribution waits, then answers BAD_USER_INPUT (no enabled members) and hands out nothing', async () => {
    const target = await createUser(t.db);
    const { poolId, bookId } = await scene([target]);
    const code = await giveOneCoupon(target);
    const holder = await hold('SELECT 1 FROM coupon WHERE code = $1 FOR UPDATE', [code]);
    const erased = outcome(eraseUser(admin(), target.userId));
    await lockWaiters(t.db.pool, 1, { like: ERASE_AT_COUPONS });
    const distributed = outcome(distributeToPool(admin(), { poolId, bookId, mode: 'RANDOM', count: 3 }));
    await lockWaiters(t.db.pool, 1, { like: DISTRIBUTION_AT_MEMBERS });
    await holder.end('ROLLBACK');
    const [d, e] = await Promise.all([distributed, erased]);

    expect(e).toMatchObject({ ok: true, value: { couponsReturned: 1, poolMemberships: 1 } });
    expect(d).toMatchObject({ ok: false, code: 'BAD_USER_INPUT' });
    const after = await afterwards(target.userId, bookId);
    expect(after).toMatchObject({ held: 0, memberships: 0, assignedCount: 0, states: { UNASSIGNED: 10 }, paths: [] });
    expect(await t.db.prisma.distribution.count({ where: { poolId } })).toBe(0);
    await expectNoViolations();
  });

  it('12 plain rounds of eraseUser and distributeToPool at once: each outcome is one of the two serial orders', async () => {
    const serial = new Set([
      // distribution, then erase: they got 2, the erase gave 2 back
      'distribution ok (them 2, other 2), erase ok (returned 2, memberships 1)',
      // erase, then distribution: they are passed by, the other member gets the whole count
      'distribution ok (them 0, other 4), erase ok (returned 0, memberships 1)',
    ]);
    const seen: Record<string, number> = {};
    for (let round = 0; round < 12; round++) {
      const [target, other] = await Promise.all([createUser(t.db), createUser(t.db)]);
      const { poolId, bookId } = await scene([target, other]);
      const distribute = () => outcome(distributeToPool(admin(), { poolId, bookId, mode: 'EQUAL', count: 4 }));
      const erase = () => outcome(eraseUser(admin(), target.userId));
      const [d, e] =
        round % 2 === 0 ? await Promise.all([distribute(), erase()]) : await Promise.all([erase(), distribute()]).then(([x, y]) => [y, x] as const);
      const key = `distribution ${d.ok ? `ok (them ${shareOf(d.value, target.userId)}, other ${shareOf(d.value, other.userId)})` : d.code}, erase ${
        e.ok ? `ok (returned ${e.value?.couponsReturned}, memberships ${e.value?.poolMemberships})` : e.code
      }`;
      seen[key] = (seen[key] ?? 0) + 1;
      const after = await afterwards(target.userId, bookId);
      expect(after, `round ${round}: ${key}`).toMatchObject({ held: 0, erased: true, memberships: 0, assignedCount: 0 });
      for (const path of after.paths) expect(path, `round ${round}`).toBe(`ASSIGNED:them: > UNASSIGNED:-:${ERASED_REASON}`);
    }
    console.info(`erase vs distribution, outcomes: ${JSON.stringify(seen)}`);
    expect(Object.keys(seen).filter((k) => !serial.has(k)), JSON.stringify(seen)).toEqual([]);
    await expectNoViolations();
  });
});

describe('eraseUser racing changes of the pools the user is in', () => {
  it('addPoolMembers of the user while the erase is under way (the add read them before the erase committed): no membership is left with the erased account', async () => {
    const target = await createUser(t.db);
    const { poolId } = await scene([]);
    const code = await giveOneCoupon(target);
    const holder = await hold('SELECT 1 FROM coupon WHERE code = $1 FOR UPDATE', [code]);
    // The erase holds the user's row FOR UPDATE (not yet committed) and waits for their coupon…
    const erased = outcome(eraseUser(admin(), target.userId));
    await lockWaiters(t.db.pool, 1, { like: ERASE_AT_COUPONS });
    // …the add reads the user (not erased yet, for its snapshot) and waits at its insert's foreign-key check.
    const added = outcome(addPoolMembers(admin(), { poolId, userIds: [target.userId] }));
    await lockWaiters(t.db.pool, 1, { like: ADD_MEMBERS_AT_INSERT });
    await holder.end('COMMIT');
    const [a, e] = await Promise.all([added, erased]);
    const left = await t.db.prisma.poolMember.count({ where: { poolId, userId: target.userId } });

    const key = `add ${a.ok ? 'ok' : a.code}, erase ${e.ok ? `ok (memberships ${e.value?.poolMemberships})` : e.code}, erased user still a member: ${left}`;
    const serial = [
      // add, then erase: the erase removes the membership the add made
      'add ok, erase ok (memberships 1), erased user still a member: 0',
      // erase, then add: the add finds no such user
      'add NOT_FOUND, erase ok (memberships 0), erased user still a member: 0',
    ];
    expect(key).toBeOneOf(serial);
    await expectNoViolations();
  });

  it('removePoolMembers commits while the erase waits before deleting memberships: the erase counts none, the user is in no pool', async () => {
    const [target, other] = await Promise.all([createUser(t.db), createUser(t.db)]);
    const { poolId } = await scene([target, other]);
    const code = await giveOneCoupon(target);
    const holder = await hold('SELECT 1 FROM coupon WHERE code = $1 FOR UPDATE', [code]);
    const erased = outcome(eraseUser(admin(), target.userId));
    await lockWaiters(t.db.pool, 1, { like: ERASE_AT_COUPONS });
    // The erase has not reached the memberships: the removal does not wait for it.
    const removed = await outcome(removePoolMembers(admin(), { poolId, userIds: [target.userId] }));
    await holder.end('COMMIT');
    const e = await erased;

    // Serially: the removal, then the erase (which finds no membership left).
    expect(removed.ok).toBe(true);
    expect(e).toMatchObject({ ok: true, value: { couponsReturned: 1, poolMemberships: 0 } });
    expect(await t.db.prisma.poolMember.findMany({ where: { poolId }, select: { userId: true } })).toEqual([{ userId: other.userId }]);
    await expectNoViolations();
  });

  it('removePoolMembers while the erase has deleted the membership but not committed: the removal waits, then removes nothing', async () => {
    const [target, other] = await Promise.all([createUser(t.db), createUser(t.db)]);
    const { poolId } = await scene([target, other]);
    // A stored idempotent answer of theirs: the erase deletes it after the memberships, and waits for it here.
    await t.db.prisma.$executeRaw(Prisma.sql`
      INSERT INTO idempotency_record (user_id, key, operation, request_hash) VALUES (${target.userId}::uuid, 'race-key', 'assignCoupon', 'hash')`);
    const holder = await hold('SELECT 1 FROM idempotency_record WHERE user_id = $1 FOR UPDATE', [target.userId]);
    const erased = outcome(eraseUser(admin(), target.userId));
    await lockWaiters(t.db.pool, 1, { like: ERASE_AT_IDEMPOTENCY });
    const removed = outcome(removePoolMembers(admin(), { poolId, userIds: [target.userId, other.userId] }));
    await lockWaiters(t.db.pool, 1, { like: REMOVE_MEMBERS_AT_DELETE });
    await holder.end('COMMIT');
    const [r, e] = await Promise.all([removed, erased]);

    // Serially: the erase (one membership), then the removal (of the other member; the erased one is no longer in the pool).
    expect(e).toMatchObject({ ok: true, value: { poolMemberships: 1 } });
    expect(r.ok).toBe(true);
    expect(await t.db.prisma.poolMember.count({ where: { poolId } })).toBe(0);
    await expectNoViolations();
  });
});

describe("eraseUser racing a shop's first use of the same customer id", () => {
  it('the erase commits between the use’s skipped insert and its read: the use makes a new customer (as if the erase came first), no error', async () => {
    const customerId = `erase-between-${Date.now()}`;
    const first = await ensureCustomer(admin(), customerId);
    // The use's read of the customer runs the erase to its commit first: the one interleaving
    // that a lock cannot force (the use's two statements are separate and hold nothing).
    let erased: Awaited<ReturnType<typeof eraseUser>> | undefined;
    const prisma = new Proxy(t.db.prisma, {
      get(target, property, receiver) {
        if (property !== 'user') return Reflect.get(target, property, receiver);
        return new Proxy(target.user, {
          get(users, method, usersReceiver) {
            if (method !== 'findUnique') return Reflect.get(users, method, usersReceiver);
            return async (args: Parameters<typeof users.findUnique>[0]) => {
              erased ??= await eraseUser(admin(), first);
              return users.findUnique(args);
            };
          },
        });
      },
    });
    const use = await outcome(ensureCustomer({ ...admin(), db: { ...t.db, prisma } }, customerId));
    expect(erased).toMatchObject({ couponsReturned: 0 });
    expect(use).toMatchObject({ ok: true });
    expect(use.ok && use.value).not.toBe(first);
    expect(await findCustomer(admin(), customerId)).toBe(use.ok ? use.value : null);
  });


  it('40 plain rounds of ensureCustomer and eraseUser of that customer at once: the old customer or a new one, never an error', async () => {
    const seen: Record<string, number> = {};
    for (let round = 0; round < 40; round++) {
      const customerId = `erase-race-${round}-${Date.now()}`;
      const first = await ensureCustomer(admin(), customerId);
      // The use starts 0-7 ms after the erase, round by round: its two statements meet the erase's at different points.
      const use = new Promise((resolve) => setTimeout(resolve, round % 8)).then(() => ensureCustomer(admin(), customerId));
      const [erased, again] = await Promise.all([outcome(eraseUser(admin(), first)), outcome(use)]);
      // Serially: the use, then the erase (the old customer, erased after), or the erase, then the use (a new customer).
      const key = `use ${again.ok ? (again.value === first ? 'old' : 'new') : again.code}, erase ${erased.ok ? 'ok' : erased.code}`;
      seen[key] = (seen[key] ?? 0) + 1;
      expect(key, `round ${round}`).toBeOneOf(['use old, erase ok', 'use new, erase ok']);
      // The id now names a customer that is not erased (a use after the erase made a new one, or the next use will).
      const current = await findCustomer(admin(), customerId);
      expect(current === null || current !== first, `round ${round}: ${key}`).toBe(true);
    }
    console.info(`ensureCustomer vs eraseUser, outcomes: ${JSON.stringify(seen)}`);
  });
});

describe("eraseUser racing what the user's own sessions write for them", () => {
  const sessions: SessionSettings = { tokens: TEST_TOKEN_SETTINGS, refreshTokens: { ttlDays: 14 } };
  const anonymous = () => contextFor(t.db, null);

  /** Starts an erase of `user` and parks it at their coupons, their row held FOR UPDATE. */
  async function eraseParked(user: Caller) {
    const holder = await hold('SELECT 1 FROM coupon WHERE code = $1 FOR UPDATE', [await giveOneCoupon(user)]);
    const erased = outcome(eraseUser(admin(), user.userId));
    await lockWaiters(t.db.pool, 1, { like: ERASE_AT_COUPONS });
    return { erased, release: () => holder.end('COMMIT') };
  }

  it('refreshSession while the erase holds the user: it waits, then is refused; no token is left, and no deadlock', async () => {
    const target = await createUser(t.db);
    const { token } = await startRefreshFamily(anonymous(), { id: target.userId, tokenVersion: 0 }, sessions.refreshTokens);
    const { erased, release } = await eraseParked(target);
    const refreshed = outcome(refreshSession(anonymous(), token, sessions));
    // At its read of the user (or, had it spent the token first, at its new token's insert).
    await lockWaiters(t.db.pool, 1, { like: ['%FOR KEY SHARE OF u%', '%INSERT INTO%refresh_token%'] });
    await release();
    const [e, r] = await Promise.all([erased, refreshed]);
    // Serially: the erase, then the refresh of a token it deleted.
    expect(e).toMatchObject({ ok: true, value: { refreshTokens: 1 } });
    expect(r).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' });
    expect(await t.db.prisma.refreshToken.count({ where: { userId: target.userId } })).toBe(0);
  });

  it('login whose password checked out while the erase held the user: it waits at its refresh token, then answers as if the erase came first', async () => {
    const auth: AuthSettings = { tokens: TEST_TOKEN_SETTINGS, signInLimits: generousSignInLimits(100), refreshTokens: { ttlDays: 14 } };
    const email = `erased-while-signing-in-${Date.now()}@example.test`;
    const { user } = await register(anonymous(), { email, password: 'password123' }, auth);
    const { erased, release } = await eraseParked({ userId: user.id, role: 'USER' });
    const signedIn = outcome(login(anonymous(), { email, password: 'password123' }, auth));
    await lockWaiters(t.db.pool, 1, { like: '%INSERT INTO refresh_token%' });
    await release();
    const [e, l] = await Promise.all([erased, signedIn]);
    expect(e).toMatchObject({ ok: true });
    // Not "Your session has ended": a login answers for the account, which the erase took first.
    expect(l).toMatchObject({ ok: false, code: 'UNAUTHENTICATED', message: 'Invalid email or password' });
    expect(await t.db.prisma.refreshToken.count({ where: { userId: user.id } })).toBe(0);
  });

  it('createApiKey by an admin whom the erase holds: it waits, then is refused; no key is left with the erased account', async () => {
    const creator = await createUser(t.db, 'ADMIN');
    const { erased, release } = await eraseParked(creator);
    const created = outcome(createApiKey(contextFor(t.db, creator), { name: 'made while erased', scopes: ['COUPONS_READ'] }));
    await lockWaiters(t.db.pool, 1, { like: ['%FROM app_user WHERE id = %FOR KEY SHARE%', '%INSERT INTO%api_key%'] });
    await release();
    const [e, c] = await Promise.all([erased, created]);
    expect(e).toMatchObject({ ok: true });
    expect(c).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' });
    expect(await t.db.prisma.apiKey.count({ where: { createdById: creator.userId } })).toBe(0);
  });
});

describe('eraseUser racing a redeem with an idempotency key', () => {
  it('the redeem of a coupon the erase keeps (used before) waits for the erase, then is refused: no stored answer outlives the erase', async () => {
    const target = await createUser(t.db);
    const shopper = contextFor(t.db, target);
    const { codes } = await createBook(t.db, 1, { allowMultipleRedemptions: true });
    const [code] = codes;
    await assignCoupon(shopper, { code });
    await lockCoupon(shopper, { code });
    await redeemCoupon(shopper, { code });
    await lockCoupon(shopper, { code });
    // The erase holds the user and waits for their coupon (the one it keeps: it was used).
    const holder = await hold('SELECT 1 FROM coupon WHERE code = $1 FOR UPDATE', [code]);
    const erased = outcome(eraseUser(admin(), target.userId));
    await lockWaiters(t.db.pool, 1, { like: ERASE_AT_COUPONS });
    const redeemed = outcome(redeemCoupon(shopper, { code, idempotencyKey: 'checkout-2' }));
    // At its read of the user (or, without it, at the coupon behind the erase).
    await lockWaiters(t.db.pool, 2, { like: ['%FROM app_user WHERE id = %FOR KEY SHARE%', ERASE_AT_COUPONS, '%FROM coupon%FOR UPDATE%'] });
    await holder.end('COMMIT');
    const [e, r] = await Promise.all([erased, redeemed]);

    // Serially: the erase (the coupon kept), then the redeem of a session that has ended.
    expect(e).toMatchObject({ ok: true, value: { couponsKept: 1 } });
    expect(r).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' });
    expect(await t.db.prisma.idempotencyRecord.count({ where: { userId: target.userId } })).toBe(0);
    expect(await t.db.prisma.redemption.count({ where: { userId: target.userId } })).toBe(1);
  });
});
