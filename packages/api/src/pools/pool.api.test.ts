import { Prisma } from '@coupons/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode, graphqlRequest, type SignedUpUser, signUp, startApiTest, type TestServer } from '../../testing/index.ts';

let server: TestServer;
let admin: SignedUpUser;
let user: SignedUpUser;

beforeAll(async () => {
  ({ server, admin, user } = await startApiTest());
});
afterAll(() => server.close());

const gql = (query: string, variables: Record<string, unknown> = {}, token: string | null = admin.token) =>
  graphqlRequest<Record<string, any>>(server, query, variables, token);

async function bookWithCodes(count: number, extra = ''): Promise<string> {
  const res = await gql(`mutation { createBook(input: { name: "Dist", discountType: PERCENTAGE, discountValue: 10 ${extra} }) { id } }`);
  const bookId = res.data!.createBook.id;
  await server.db.prisma.$executeRaw(Prisma.sql`
    INSERT INTO coupon (book_id, code) SELECT ${bookId}::uuid, upper('P' || substr(${bookId}, 1, 8) || '-' || g) FROM generate_series(1, ${count}::int) g`);
  return bookId;
}

describe('pools over HTTP', () => {
  it('createPool, addPoolMembers (unknownEmails), members, memberCount, pools, removePoolMembers', async () => {
    const members = await Promise.all([signUp(server), signUp(server), signUp(server)]);
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
    const members = await Promise.all([signUp(server), signUp(server), signUp(server)]);
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
      createdBy: { id: admin.user.id },
    });
    const held = await server.db.prisma.$queryRaw<Array<{ user_id: string; n: number }>>(Prisma.sql`
      SELECT assigned_user_id::text AS user_id, count(*)::int AS n FROM coupon WHERE book_id = ${bookId}::uuid AND assigned_user_id IS NOT NULL GROUP BY 1`);
    const byUser = new Map(held.map((r) => [r.user_id, r.n]));
    for (const entry of plan.perUser) expect(byUser.get(entry.userId) ?? 0).toBe(entry.count);
  });

  it('errors: FORBIDDEN for USER, NOT_FOUND, BOOK_NOT_ACTIVE, BAD_USER_INPUT', async () => {
    expect(errorCode(await gql(`mutation { createPool(name: "x") { id } }`, {}, user.token))).toBe('FORBIDDEN');
    expect(errorCode(await gql(`{ pools { totalCount } }`, {}, user.token))).toBe('FORBIDDEN');
    const poolId = (await gql(`mutation { createPool(name: "E") { id } }`)).data!.createPool.id;
    await gql(`mutation($p: ID!, $u: [ID!]) { addPoolMembers(poolId: $p, userIds: $u) { id } }`, { p: poolId, u: [user.user.id] });
    const unknown = '00000000-0000-4000-8000-000000000000';
    const distribute = (bookId: string, pool = poolId, token = admin.token, count = 1) =>
      gql(`mutation($p: ID!, $b: ID!, $c: Int!) { distributeToPool(poolId: $p, bookId: $b, mode: EQUAL, count: $c) { id } }`, { p: pool, b: bookId, c: count }, token);
    const bookId = await bookWithCodes(3);
    expect(errorCode(await distribute(bookId, poolId, user.token))).toBe('FORBIDDEN');
    expect(errorCode(await distribute(unknown))).toBe('NOT_FOUND');
    expect(errorCode(await distribute(bookId, unknown))).toBe('NOT_FOUND');
    expect(errorCode(await distribute(bookId, poolId, admin.token, 0))).toBe('BAD_USER_INPUT');
    const ended = await bookWithCodes(3, ', validFrom: "2000-01-01T00:00:00Z", validUntil: "2000-02-01T00:00:00Z"');
    expect(errorCode(await distribute(ended))).toBe('BOOK_NOT_ACTIVE');
    const ghost = await gql(`mutation($p: ID!) { addPoolMembers(poolId: $p, userIds: ["${unknown}"]) { id } }`, { p: poolId });
    expect(errorCode(ghost)).toBe('NOT_FOUND');
  });
});
