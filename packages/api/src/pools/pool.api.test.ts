import { Prisma } from '@coupons/db';
import { describe, expect, it } from 'vitest';
import { errorCode, graphqlRequest, signUp, useApiTest } from '../../testing/index.ts';

const t = useApiTest();

const gql = (query: string, variables: Record<string, unknown> = {}, token: string | null = t.admin.token) =>
  graphqlRequest<Record<string, any>>(t.server, query, variables, token);

async function bookWithCodes(count: number, extra = ''): Promise<string> {
  const res = await gql(`mutation { createBook(input: { name: "Dist", discountType: PERCENTAGE, discountValue: 10 ${extra} }) { id } }`);
  const bookId = res.data!.createBook.id;
  await t.server.db.prisma.$executeRaw(Prisma.sql`
    INSERT INTO coupon (book_id, code) SELECT ${bookId}::uuid, upper('P' || substr(${bookId}, 1, 8) || '-' || g) FROM generate_series(1, ${count}::int) g`);
  return bookId;
}

describe('pools over HTTP', () => {
  it('createPool, addPoolMembers (unknownEmails), members, memberCount, pools, removePoolMembers', async () => {
    const members = await Promise.all([signUp(t.server), signUp(t.server), signUp(t.server)]);
    const created = await gql(`mutation { createPool(name: "VIP", description: "best") { id name description memberCount } }`);
    const pool = created.data!.createPool;
    expect(pool).toMatchObject({ name: 'VIP', description: 'best', memberCount: 0 });
    const added = await gql(
      `mutation($poolId: ID!, $ids: [ID!], $emails: [String!]) {
        addPoolMembers(poolId: $poolId, userIds: $ids, emails: $emails) { id memberCount unknownEmails }
      }`,
      { poolId: pool.id, ids: [members[0].user.id], emails: [members[1].email.toUpperCase(), members[2].email, 'ghost@example.test'] },
    );
    expect(added.data!.addPoolMembers).toEqual({ id: pool.id, memberCount: 3, unknownEmails: ['ghost@example.test'] });
    const read = await gql(`query($id: ID!) { pool(id: $id) { unknownEmails members(first: 2) { totalCount edges { node { email } } pageInfo { hasNextPage } } } }`, { id: pool.id });
    expect(read.data!.pool).toMatchObject({ unknownEmails: null, members: { totalCount: 3, pageInfo: { hasNextPage: true } } });
    const list = await gql(`{ pools(first: 10) { totalCount edges { node { id memberCount } } } }`);
    expect(list.data!.pools.edges).toContainEqual({ node: { id: pool.id, memberCount: 3 } });
    const removed = await gql(`mutation($p: ID!, $u: [ID!]!) { removePoolMembers(poolId: $p, userIds: $u) { memberCount } }`, {
      p: pool.id,
      u: [members[0].user.id],
    });
    expect(removed.data!.removePoolMembers.memberCount).toBe(2);
  });

  it('previewDistribution then distributeToPool with the preview seed: the same shares', async () => {
    const members = await Promise.all([signUp(t.server), signUp(t.server), signUp(t.server)]);
    const bookId = await bookWithCodes(10, ', maxAssignmentsPerUser: 3');
    const poolId = (await gql(`mutation { createPool(name: "Dist") { id } }`)).data!.createPool.id;
    await gql(`mutation($p: ID!, $u: [ID!]) { addPoolMembers(poolId: $p, userIds: $u) { id } }`, { p: poolId, u: members.map((m) => m.user.id) });
    const args = { poolId, bookId, mode: 'RANDOM', count: 7 };
    const preview = await gql(
      `mutation($poolId: ID!, $bookId: ID!, $mode: DistributionMode!, $count: Int!) {
        previewDistribution(poolId: $poolId, bookId: $bookId, mode: $mode, count: $count) {
          mode seed requested available totalAssigned shortfall skippedUsers perUser { user { email } userId count skippedReason }
        }
      }`,
      args,
    );
    const plan = preview.data!.previewDistribution;
    expect(plan).toMatchObject({ mode: 'RANDOM', requested: 7, available: 10, totalAssigned: 7, shortfall: 0 });
    expect(plan.perUser.map((e: any) => e.user.email).sort()).toEqual(members.map((m) => m.email).sort());
    const done = await gql(
      `mutation($poolId: ID!, $bookId: ID!, $mode: DistributionMode!, $count: Int!, $seed: String) {
        distributeToPool(poolId: $poolId, bookId: $bookId, mode: $mode, count: $count, seed: $seed) {
          id mode requested assigned createdAt pool { id } book { id counts { assigned unassigned } } createdBy { id }
        }
      }`,
      { ...args, seed: plan.seed },
    );
    expect(done.errors).toBeUndefined();
    expect(done.data!.distributeToPool).toMatchObject({
      mode: 'RANDOM',
      requested: 7,
      assigned: 7,
      pool: { id: poolId },
      book: { id: bookId, counts: { assigned: 7, unassigned: 3 } },
      createdBy: { id: t.admin.user.id },
    });
    const held = await t.server.db.prisma.$queryRaw<Array<{ user_id: string; n: number }>>(Prisma.sql`
      SELECT assigned_user_id::text AS user_id, count(*)::int AS n FROM coupon WHERE book_id = ${bookId}::uuid AND assigned_user_id IS NOT NULL GROUP BY 1`);
    const byUser = new Map(held.map((r) => [r.user_id, r.n]));
    for (const entry of plan.perUser) expect(byUser.get(entry.userId) ?? 0).toBe(entry.count);
  });

  it('errors: FORBIDDEN for USER, NOT_FOUND, BOOK_NOT_ACTIVE, BAD_USER_INPUT', async () => {
    expect(errorCode(await gql(`mutation { createPool(name: "x") { id } }`, {}, t.user.token))).toBe('FORBIDDEN');
    expect(errorCode(await gql(`{ pools { totalCount } }`, {}, t.user.token))).toBe('FORBIDDEN');
    const poolId = (await gql(`mutation { createPool(name: "E") { id } }`)).data!.createPool.id;
    await gql(`mutation($p: ID!, $u: [ID!]) { addPoolMembers(poolId: $p, userIds: $u) { id } }`, { p: poolId, u: [t.user.user.id] });
    const unknown = '00000000-0000-4000-8000-000000000000';
    const distribute = (bookId: string, pool = poolId, token = t.admin.token, count = 1) =>
      gql(`mutation($p: ID!, $b: ID!, $c: Int!) { distributeToPool(poolId: $p, bookId: $b, mode: EQUAL, count: $c) { id } }`, { p: pool, b: bookId, c: count }, token);
    const bookId = await bookWithCodes(3);
    expect(errorCode(await distribute(bookId, poolId, t.user.token))).toBe('FORBIDDEN');
    expect(errorCode(await distribute(unknown))).toBe('NOT_FOUND');
    expect(errorCode(await distribute(bookId, unknown))).toBe('NOT_FOUND');
    expect(errorCode(await distribute(bookId, poolId, t.admin.token, 0))).toBe('BAD_USER_INPUT');
    const ended = await bookWithCodes(3, ', validFrom: "2000-01-01T00:00:00Z", validUntil: "2000-02-01T00:00:00Z"');
    expect(errorCode(await distribute(ended))).toBe('BOOK_NOT_ACTIVE');
    const ghost = await gql(`mutation($p: ID!) { addPoolMembers(poolId: $p, userIds: ["${unknown}"]) { id } }`, { p: poolId });
    expect(errorCode(ghost)).toBe('NOT_FOUND');
  });
});

describe('pool changes and EQUAL as the design defines it (issue 16)', () => {
  const DISTRIBUTE = `mutation($p: ID!, $b: ID!, $m: DistributionMode!, $c: Int!, $r: DistributionRemainder) {
    distributeToPool(poolId: $p, bookId: $b, mode: $m, count: $c, remainder: $r) { id requested assigned remainder }
  }`;
  const PREVIEW = `mutation($p: ID!, $b: ID!, $c: Int!, $r: DistributionRemainder) {
    previewDistribution(poolId: $p, bookId: $b, mode: EQUAL, count: $c, remainder: $r) {
      requested perMember remainder leftInBook totalAssigned shortfall perUser { userId count extra skippedReason }
    }
  }`;

  async function poolWith(n: number): Promise<{ poolId: string; memberIds: string[] }> {
    const members = await Promise.all(Array.from({ length: n }, () => signUp(t.server)));
    const poolId = (await gql(`mutation { createPool(name: "Eq") { id } }`)).data!.createPool.id;
    await gql(`mutation($p: ID!, $u: [ID!]) { addPoolMembers(poolId: $p, userIds: $u) { id } }`, { p: poolId, u: members.map((m) => m.user.id) });
    return { poolId, memberIds: members.map((m) => m.user.id) };
  }

  const holdings = async (bookId: string) => {
    const rows = await t.server.db.prisma.$queryRaw<Array<{ user_id: string; n: number }>>(Prisma.sql`
      SELECT assigned_user_id::text AS user_id, count(*)::int AS n FROM coupon WHERE book_id = ${bookId}::uuid AND assigned_user_id IS NOT NULL GROUP BY 1`);
    return new Map(rows.map((r) => [r.user_id, r.n]));
  };

  it('EQUAL over 2 members with count 4 gives each member 2', async () => {
    const { poolId, memberIds } = await poolWith(2);
    const bookId = await bookWithCodes(10);
    const done = await gql(DISTRIBUTE, { p: poolId, b: bookId, m: 'EQUAL', c: 4 });
    expect(done.errors).toBeUndefined();
    expect(done.data!.distributeToPool).toMatchObject({ requested: 4, assigned: 4, remainder: 'LEAVE_IN_BOOK' });
    const held = await holdings(bookId);
    expect(memberIds.map((id) => held.get(id))).toEqual([2, 2]);
  });

  it('the preview shows where the remainder goes; LEAVE_IN_BOOK by default, RANDOM_MEMBERS on request', async () => {
    const { poolId } = await poolWith(3);
    const bookId = await bookWithCodes(20);
    const left = (await gql(PREVIEW, { p: poolId, b: bookId, c: 8 })).data!.previewDistribution;
    expect(left).toMatchObject({ requested: 8, perMember: 2, remainder: 'LEAVE_IN_BOOK', leftInBook: 2, totalAssigned: 6, shortfall: 0 });
    expect(left.perUser.map((e: any) => [e.count, e.extra])).toEqual([[2, 0], [2, 0], [2, 0]]);
    const spread = (await gql(PREVIEW, { p: poolId, b: bookId, c: 8, r: 'RANDOM_MEMBERS' })).data!.previewDistribution;
    expect(spread).toMatchObject({ requested: 8, perMember: 2, remainder: 'RANDOM_MEMBERS', leftInBook: 0, totalAssigned: 8, shortfall: 0 });
    expect(spread.perUser.filter((e: any) => e.extra === 1)).toHaveLength(2);
    expect(spread.perUser.every((e: any) => e.count === 2 + e.extra)).toBe(true);
    // RANDOM takes no remainder rule; EQUAL below one each is refused with a clear message.
    const random = await gql(DISTRIBUTE, { p: poolId, b: bookId, m: 'RANDOM', c: 3, r: 'LEAVE_IN_BOOK' });
    expect(errorCode(random)).toBe('BAD_USER_INPUT');
    const tooFew = await gql(DISTRIBUTE, { p: poolId, b: bookId, m: 'EQUAL', c: 2 });
    expect(errorCode(tooFew)).toBe('BAD_USER_INPUT');
    expect(tooFew.errors![0].message).toMatch(/total/);
  });

  it('disabled and erased members get nothing', async () => {
    const { poolId, memberIds } = await poolWith(3);
    const bookId = await bookWithCodes(10);
    await gql(`mutation($u: ID!) { disableUser(userId: $u) { id } }`, { u: memberIds[0] });
    await gql(`mutation($u: ID!) { eraseUser(userId: $u) }`, { u: memberIds[1] });
    const done = await gql(DISTRIBUTE, { p: poolId, b: bookId, m: 'EQUAL', c: 3 });
    expect(done.data!.distributeToPool).toMatchObject({ assigned: 3 });
    expect([...(await holdings(bookId)).entries()]).toEqual([[memberIds[2], 3]]);
  });

  it('updatePool renames and describes, audited; refuses a null or empty name', async () => {
    const poolId = (await gql(`mutation { createPool(name: "Old", description: "d") { id } }`)).data!.createPool.id;
    const UPDATE = `mutation($id: ID!, $input: UpdatePoolInput!) { updatePool(id: $id, input: $input) { id name description } }`;
    const renamed = await gql(UPDATE, { id: poolId, input: { name: "New" } });
    expect(renamed.data!.updatePool).toEqual({ id: poolId, name: 'New', description: 'd' });
    const cleared = await gql(UPDATE, { id: poolId, input: { description: null } });
    expect(cleared.data!.updatePool).toEqual({ id: poolId, name: 'New', description: null });
    expect(errorCode(await gql(UPDATE, { id: poolId, input: { name: null } }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await gql(UPDATE, { id: poolId, input: { name: '  ' } }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await gql(UPDATE, { id: '00000000-0000-4000-8000-000000000000', input: { name: 'x' } }))).toBe('NOT_FOUND');
    expect(errorCode(await gql(UPDATE, { id: poolId, input: { name: 'x' } }, t.user.token))).toBe('FORBIDDEN');
    const audit = await t.server.db.prisma.$queryRaw<Array<{ changes: unknown }>>(Prisma.sql`
      SELECT changes FROM audit_log WHERE action = 'POOL_UPDATED' AND target_id = ${poolId} ORDER BY id`);
    expect(audit.map((a) => a.changes)).toEqual([{ name: { from: 'Old', to: 'New' } }, { description: { from: 'd', to: null } }]);
  });

  it('deletePool keeps handed-out coupons with their owners and the distributions in the audit log', async () => {
    const { poolId, memberIds } = await poolWith(2);
    const bookId = await bookWithCodes(10);
    const done = (await gql(DISTRIBUTE, { p: poolId, b: bookId, m: 'EQUAL', c: 4 })).data!.distributeToPool;
    const deleted = await gql(`mutation($id: ID!) { deletePool(id: $id) }`, { id: poolId });
    expect(deleted.data).toEqual({ deletePool: true });
    expect((await gql(`query($id: ID!) { pool(id: $id) { id } }`, { id: poolId })).data!.pool).toBeNull();
    const held = await holdings(bookId);
    expect(memberIds.map((id) => held.get(id))).toEqual([2, 2]);
    const [audit] = await t.server.db.prisma.$queryRaw<Array<{ changes: any }>>(Prisma.sql`
      SELECT changes FROM audit_log WHERE action = 'POOL_DELETED' AND target_id = ${poolId}`);
    expect(audit.changes).toMatchObject({ name: 'Eq', members: 2, distributionCount: 1, couponsDistributed: 4 });
    expect(audit.changes.distributions[0]).toMatchObject({ id: done.id, bookId, mode: 'EQUAL', requested: 4, assigned: 4, remainder: 'LEAVE_IN_BOOK' });
    expect(errorCode(await gql(`mutation($id: ID!) { deletePool(id: $id) }`, { id: poolId }))).toBe('NOT_FOUND');
    expect(errorCode(await gql(DISTRIBUTE, { p: poolId, b: bookId, m: 'EQUAL', c: 4 }))).toBe('NOT_FOUND');
  });
});
