import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode, graphqlRequest, signUp, startTestServer, type TestServer } from '../../testing/index.ts';

const USERS = `query ($first: Int, $after: String, $emailContains: String) {
  users(first: $first, after: $after, emailContains: $emailContains) {
    totalCount
    edges { cursor node { id email role } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;

let server: TestServer;
let admin: string;
beforeAll(async () => {
  server = await startTestServer();
  ({ token: admin } = await signUp(server, 'ADMIN', { email: 'admin@example.test' }));
  for (const name of ['carol', 'alice', 'bob', 'dave', 'under_score', 'per%cent']) {
    await signUp(server, 'USER', { email: `${name}@shop.test` });
  }
});
afterAll(() => server?.close());

describe('users (ADMIN)', () => {
  it('pages through users by email with opaque cursors', async () => {
    const first = await graphqlRequest(server, USERS, { first: 3 }, admin);
    expect(first.errors).toBeUndefined();
    const page1 = first.data!.users;
    expect(page1.totalCount).toBe(7);
    expect(page1.edges.map((e: any) => e.node.email)).toEqual(['admin@example.test', 'alice@shop.test', 'bob@shop.test']);
    expect(page1.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false, endCursor: page1.edges[2].cursor });

    const next = await graphqlRequest(server, USERS, { first: 3, after: page1.pageInfo.endCursor }, admin);
    const page2 = next.data!.users;
    expect(page2.edges.map((e: any) => e.node.email)).toEqual(['carol@shop.test', 'dave@shop.test', 'per%cent@shop.test']);
    expect(page2.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
    const last = await graphqlRequest(server, USERS, { first: 3, after: page2.pageInfo.endCursor }, admin);
    expect(last.data!.users.edges.map((e: any) => e.node.email)).toEqual(['under_score@shop.test']);
    expect(last.data!.users.pageInfo.hasNextPage).toBe(false);
  });

  it('filters by a case-insensitive substring, wildcards matched literally', async () => {
    const shop = await graphqlRequest(server, USERS, { emailContains: 'SHOP.' }, admin);
    expect(shop.data!.users.totalCount).toBe(6);
    const percent = await graphqlRequest(server, USERS, { emailContains: '%' }, admin);
    expect(percent.data!.users.edges.map((e: any) => e.node.email)).toEqual(['per%cent@shop.test']);
    const underscore = await graphqlRequest(server, USERS, { emailContains: 'r_s' }, admin);
    expect(underscore.data!.users.edges.map((e: any) => e.node.email)).toEqual(['under_score@shop.test']);
  });

  it.each([
    [{ first: 0 }, 'first'],
    [{ first: 101 }, 'first'],
    [{ after: 'not-a-cursor' }, 'after'],
    [{ after: Buffer.from('{"x":1}').toString('base64url') }, 'after'],
  ])('refuses %j as BAD_USER_INPUT on %s', async (variables, field) => {
    const res = await graphqlRequest(server, USERS, variables, admin);
    expect(errorCode(res)).toBe('BAD_USER_INPUT');
    expect(res.errors![0].message).toMatch(new RegExp(`^${field}: `));
  });

  it('finds a user by email, case-insensitively, or null', async () => {
    const query = 'query ($email: String!) { userByEmail(email: $email) { email role } }';
    expect((await graphqlRequest(server, query, { email: 'ALICE@shop.test' }, admin)).data!.userByEmail).toEqual({
      email: 'alice@shop.test',
      role: 'USER',
    });
    expect((await graphqlRequest(server, query, { email: 'nobody@shop.test' }, admin)).data!.userByEmail).toBeNull();
    expect(errorCode(await graphqlRequest(server, query, { email: 'not an email' }, admin))).toBe('BAD_USER_INPUT');
  });

  it('is refused to users and anonymous callers', async () => {
    const { token } = await signUp(server);
    expect(errorCode(await graphqlRequest(server, USERS, {}, token))).toBe('FORBIDDEN');
    expect(errorCode(await graphqlRequest(server, USERS, {}))).toBe('UNAUTHENTICATED');
  });
});
