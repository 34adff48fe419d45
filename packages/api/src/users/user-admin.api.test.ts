import { createHash } from 'node:crypto';
import { Prisma } from '@coupons/db';
import { describe, expect, it } from 'vitest';
import { expectInvariants } from '../../test/reliability/book.snapshot.ts';
import {
  type ApiUser,
  call,
  createCampaign,
  createPool,
  createUsers,
  errorCode,
  graphqlRequest,
  OPS,
  postJson,
  record,
  type SignedUpUser,
  signUp,
  subscribedOn,
  useApiTest,
  waitFor,
} from '../../testing/index.ts';

// Item 6 of issue 16 over real HTTP and WebSockets: the users list with people and customers,
// role changes (the last admin stays), disabling (every way in stops at once), and erasing (unused
// coupons go back, history stays, anonymous), with the races that could break those rules.

/** The refresh cookie's name (auth/session-cookie.ts; not imported: users/ must not import auth/). */
const REFRESH_COOKIE = 'coupons_refresh';
const ME = '{ me { id role } }';
const LOGIN = 'mutation ($e: String!, $p: String!) { login(email: $e, password: $p) { token } }';
const USERS = `query ($search: String, $role: Role, $disabled: Boolean, $emailContains: String, $first: Int, $after: String) {
  users(search: $search, role: $role, disabled: $disabled, emailContains: $emailContains, first: $first, after: $after) {
    totalCount edges { cursor node { id email externalId role disabled disabledAt } } pageInfo { hasNextPage endCursor }
  }
}`;
const SET_ROLE = 'mutation ($u: ID!, $r: Role!) { setUserRole(userId: $u, role: $r) { id role } }';
const DISABLE = 'mutation ($u: ID!) { disableUser(userId: $u) { id disabled disabledAt } }';
const ENABLE = 'mutation ($u: ID!) { enableUser(userId: $u) { id disabled disabledAt } }';
const ERASE = 'mutation ($u: ID!) { eraseUser(userId: $u) }';

const t = useApiTest({ users: [] });

const gql = (query: string, variables: Record<string, unknown> = {}, token: string | null = t.admin.token) =>
  graphqlRequest<Record<string, any>>(t.server, query, variables, token);

const liveCount = () => t.server.server.live?.couponEvents.size ?? 0;

const asApiUser = (u: SignedUpUser): ApiUser => ({ id: u.user.id, email: u.email, role: u.user.role, token: u.token });

async function auditOf(targetId: string, action: string): Promise<Array<{ actor_id: string; changes: Record<string, unknown> }>> {
  return t.server.db.prisma.$queryRaw(Prisma.sql`
    SELECT actor_id::text, changes FROM audit_log WHERE target_id = ${targetId} AND action = ${action} ORDER BY id`);
}

/** Inserts a shop customer (as ensureCustomer does) and returns its id. */
async function customer(externalId: string): Promise<string> {
  const [row] = await t.server.db.prisma.$queryRaw<Array<{ id: string }>>(Prisma.sql`
    INSERT INTO app_user (id, external_id, role) VALUES (gen_random_uuid(), ${externalId}, 'USER') RETURNING id::text AS id`);
  return row.id;
}

describe('users(search, role, disabled)', () => {
  it('lists people by email, then customers by externalId, with one keyset across both', async () => {
    const tag = `lst${Date.now().toString(36)}`;
    const people = await Promise.all(['b', 'a'].map((p) => signUp(t.server, 'USER', { email: `${p}-${tag}@example.test` })));
    const shopper = await customer(`Shop-${tag}-1`);
    const seen: any[] = [];
    let after: string | null = null;
    do {
      const res = await gql(USERS, { search: tag, first: 1, after });
      expect(res.errors).toBeUndefined();
      const page: any = res.data!.users;
      expect(page.totalCount).toBe(3);
      seen.push(...page.edges.map((e: any) => e.node));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after);
    expect(seen.map((u) => u.email ?? u.externalId)).toEqual([`a-${tag}@example.test`, `b-${tag}@example.test`, `Shop-${tag}-1`]);
    expect(seen[2]).toMatchObject({ id: shopper, email: null, role: 'USER', disabled: false, disabledAt: null });
    expect(people.length).toBe(2);
  });

  it('search is a case-insensitive substring of email or externalId, with % and _ taken literally', async () => {
    const tag = `srch${Date.now().toString(36)}`;
    await signUp(t.server, 'USER', { email: `x_${tag}@example.test` });
    await signUp(t.server, 'USER', { email: `xy${tag}@example.test` });
    await customer(`ACME-${tag}-%`);
    const found = async (search: string) =>
      ((await gql(USERS, { search, first: 50 })).data!.users.edges as any[]).map((e) => e.node.email ?? e.node.externalId).sort();
    expect(await found(tag.toUpperCase())).toEqual([`ACME-${tag}-%`, `x_${tag}@example.test`, `xy${tag}@example.test`]);
    expect(await found(`x_${tag}`)).toEqual([`x_${tag}@example.test`]); // `_` is not a wildcard
    expect(await found(`${tag}-%`)).toEqual([`ACME-${tag}-%`]);
    expect(await found(`acme-${tag}`)).toEqual([`ACME-${tag}-%`]);
    // emailContains still works (deprecated): people only.
    const legacy = await gql(USERS, { emailContains: tag.toUpperCase(), first: 50 });
    expect(legacy.data!.users.totalCount).toBe(2);
  });

  it('filters by role and by disabled', async () => {
    const tag = `flt${Date.now().toString(36)}`;
    const [boss, worker] = await Promise.all([signUp(t.server, 'ADMIN', { email: `boss-${tag}@example.test` }), signUp(t.server, 'USER', { email: `worker-${tag}@example.test` })]);
    expect((await gql(DISABLE, { u: worker.user.id })).errors).toBeUndefined();
    const ids = async (vars: Record<string, unknown>) => ((await gql(USERS, { search: tag, ...vars })).data!.users.edges as any[]).map((e) => e.node.id);
    expect(await ids({ role: 'ADMIN' })).toEqual([boss.user.id]);
    expect(await ids({ disabled: true })).toEqual([worker.user.id]);
    expect(await ids({ disabled: false })).toEqual([boss.user.id]);
    expect(await ids({ role: 'USER', disabled: false })).toEqual([]);
  });

  it('refuses bad arguments with BAD_USER_INPUT', async () => {
    expect(errorCode(await gql(USERS, { search: 'x'.repeat(300) }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await gql(USERS, { after: 'not-a-cursor' }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await gql(USERS, { search: 'a\u0000b' }))).toBe('BAD_USER_INPUT');
  });
});

describe('setUserRole', () => {
  it('promotes and demotes (effective at the next request), audited with from/to', async () => {
    const person = await signUp(t.server);
    const promoted = await gql(SET_ROLE, { u: person.user.id, r: 'ADMIN' });
    expect(promoted.data!.setUserRole).toEqual({ id: person.user.id, role: 'ADMIN' });
    expect((await gql('{ users(first: 1) { totalCount } }', {}, person.token)).errors).toBeUndefined();
    await gql(SET_ROLE, { u: person.user.id, r: 'USER' });
    expect(errorCode(await gql('{ users(first: 1) { totalCount } }', {}, person.token))).toBe('FORBIDDEN');
    const entries = await auditOf(person.user.id, 'USER_ROLE_CHANGED');
    expect(entries.map((e) => e.changes)).toEqual([{ role: { from: 'USER', to: 'ADMIN' } }, { role: { from: 'ADMIN', to: 'USER' } }]);
    expect(entries[0].actor_id).toBe(t.admin.user.id);
    // The same role again changes nothing and writes no entry.
    await gql(SET_ROLE, { u: person.user.id, r: 'USER' });
    expect(await auditOf(person.user.id, 'USER_ROLE_CHANGED')).toHaveLength(2);
  });

  it("refuses a shop customer as ADMIN, unknown and malformed ids, and a USER's call", async () => {
    const shopper = await customer(`role-${Date.now()}`);
    const res = await gql(SET_ROLE, { u: shopper, r: 'ADMIN' });
    expect(errorCode(res)).toBe('BAD_USER_INPUT');
    expect(res.errors![0].message).toMatch(/customer/);
    expect(errorCode(await gql(SET_ROLE, { u: '00000000-0000-4000-8000-000000000000', r: 'USER' }))).toBe('NOT_FOUND');
    expect(errorCode(await gql(SET_ROLE, { u: 'nope', r: 'USER' }))).toBe('BAD_USER_INPUT');
    const plain = await signUp(t.server);
    expect(errorCode(await gql(SET_ROLE, { u: plain.user.id, r: 'ADMIN' }, plain.token))).toBe('FORBIDDEN');
  });
});

/** Leaves exactly `keep` as the enabled admins (other admins are demoted in SQL), runs `body`, restores. */
async function withOnlyAdmins<T>(keep: string[], body: () => Promise<T>): Promise<T> {
  const others = await t.server.db.prisma.$queryRaw<Array<{ id: string }>>(Prisma.sql`
    UPDATE app_user SET role = 'USER' WHERE role = 'ADMIN' AND disabled_at IS NULL AND NOT (id = ANY(${keep}::uuid[]))
    RETURNING id::text AS id`);
  try {
    return await body();
  } finally {
    await t.server.db.prisma.$executeRaw(Prisma.sql`UPDATE app_user SET role = 'ADMIN' WHERE id = ANY(${others.map((o) => o.id)}::uuid[])`);
  }
}

describe('the last admin', () => {
  it('cannot demote, disable or erase themself out of being the last admin', async () => {
    await withOnlyAdmins([t.admin.user.id], async () => {
      const demote = await gql(SET_ROLE, { u: t.admin.user.id, r: 'USER' });
      expect(errorCode(demote)).toBe('INVALID_STATE');
      expect(demote.errors![0].message).toMatch(/last enabled admin/);
      expect(errorCode(await gql(DISABLE, { u: t.admin.user.id }))).toBe('BAD_USER_INPUT'); // never yourself
      expect(errorCode(await gql(ERASE, { u: t.admin.user.id }))).toBe('BAD_USER_INPUT');
      expect((await gql(ME)).data!.me.role).toBe('ADMIN');
    });
  });

  it('two last admins demoting each other at once: at most one succeeds, an admin always remains (20 rounds)', async () => {
    for (let round = 0; round < 20; round++) {
      const [a, b] = await createUsers(t.server, 2, 'ADMIN');
      const outcomes = await withOnlyAdmins([a.id, b.id], () =>
        Promise.all([call(t.server, SET_ROLE, { u: b.id, r: 'USER' }, a.token), call(t.server, SET_ROLE, { u: a.id, r: 'USER' }, b.token)]),
      );
      expect(outcomes.filter((o) => o.ok), JSON.stringify(outcomes)).toHaveLength(1);
      // The loser was demoted first, so it no longer has the right to act (decided under the lock).
      for (const o of outcomes) if (!o.ok) expect(o.code).toBe('FORBIDDEN');
      const roles = await t.server.db.prisma.user.findMany({ where: { id: { in: [a.id, b.id] } }, select: { role: true } });
      expect(roles.filter((r) => r.role === 'ADMIN')).toHaveLength(1);
      await t.server.db.prisma.user.updateMany({ where: { id: { in: [a.id, b.id] } }, data: { role: 'USER' } });
    }
  });

  it('two last admins disabling each other at once: at most one succeeds (10 rounds)', async () => {
    for (let round = 0; round < 10; round++) {
      const [a, b] = await createUsers(t.server, 2, 'ADMIN');
      const outcomes = await withOnlyAdmins([a.id, b.id], () =>
        Promise.all([call(t.server, DISABLE, { u: b.id }, a.token), call(t.server, DISABLE, { u: a.id }, b.token)]),
      );
      expect(outcomes.filter((o) => o.ok), JSON.stringify(outcomes)).toHaveLength(1);
      for (const o of outcomes) if (!o.ok) expect(['FORBIDDEN', 'UNAUTHENTICATED']).toContain(o.code);
      await t.server.db.prisma.user.updateMany({ where: { id: { in: [a.id, b.id] } }, data: { role: 'USER' } });
    }
  });
});

async function loginAnswer(user: SignedUpUser, password = user.password) {
  const response = await postJson(t.server.url, JSON.stringify({ query: LOGIN, variables: { e: user.email, p: password } }), {});
  const body = JSON.parse(response.text) as { data?: any; errors?: Array<{ message: string; extensions?: { code?: string } }> };
  const setCookie = ([] as string[]).concat(response.headers['set-cookie'] ?? []).find((line) => line.startsWith(`${REFRESH_COOKIE}=`));
  const cookie = setCookie ? decodeURIComponent(setCookie.slice(REFRESH_COOKIE.length + 1).split(';')[0] ?? '') : undefined;
  return { ...body, cookie };
}

const refreshWith = async (cookie: string) => {
  const response = await postJson(t.server.url, JSON.stringify({ query: 'mutation { refreshSession { token } }' }), { cookie: `${REFRESH_COOKIE}=${cookie}` });
  return JSON.parse(response.text) as { data?: any; errors?: Array<{ extensions?: { code?: string } }> };
};

describe('disableUser / enableUser', () => {
  it('stops tokens, refresh tokens, sockets and login at once; enabling needs a fresh sign-in', async () => {
    const person = await signUp(t.server);
    const { cookie } = await loginAnswer(person);
    expect(cookie).toBeTruthy();
    const c = t.clients.connect(t.server, person.token);
    const before = liveCount();
    const sub = record(c.client, 'subscription { couponEvents { id } }', {});
    await subscribedOn(t.server.server, before + 1);

    const disabled = await gql(DISABLE, { u: person.user.id });
    expect(disabled.data!.disableUser).toMatchObject({ id: person.user.id, disabled: true });
    expect(errorCode(await gql(ME, {}, person.token))).toBe('UNAUTHENTICATED');
    await waitFor(() => c.closes.length > 0, 'the socket to close', 1_000);
    expect(c.closes.map((close) => close.code)).toEqual([4401]);
    await sub.finished;
    expect((await refreshWith(cookie as string)).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');

    // Login: a wrong password hears what everyone hears; the right one learns the account is disabled.
    const wrong = await loginAnswer(person, 'not the password');
    expect(wrong.errors?.[0]).toMatchObject({ message: 'Invalid email or password', extensions: { code: 'UNAUTHENTICATED' } });
    const right = await loginAnswer(person);
    expect(right.errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    expect(right.errors?.[0].message).toMatch(/disabled/);

    const enabled = await gql(ENABLE, { u: person.user.id });
    expect(enabled.data!.enableUser).toEqual({ id: person.user.id, disabled: false, disabledAt: null });
    expect(errorCode(await gql(ME, {}, person.token))).toBe('UNAUTHENTICATED'); // old sessions stay ended
    const again = await loginAnswer(person);
    expect((await gql(ME, {}, again.data.login.token)).data!.me.id).toBe(person.user.id);
    expect((await auditOf(person.user.id, 'USER_DISABLED')).length).toBe(1);
    expect((await auditOf(person.user.id, 'USER_ENABLED')).length).toBe(1);
  });

  it('each check holds on its own: a disabled row refuses its token, refresh token and API keys even at the same token version', async () => {
    const boss = await signUp(t.server, 'ADMIN');
    const { cookie } = await loginAnswer(boss);
    const made = await gql('mutation { createApiKey(input: { name: "disabled test", scopes: [ADMIN] }) { secret } }', {}, boss.token);
    const secret = made.data!.createApiKey.secret as string;
    expect((await gql('{ books(first: 1) { totalCount } }', {}, secret)).errors).toBeUndefined();
    const c = t.clients.connect(t.server, secret);
    const before = liveCount();
    record(c.client, 'subscription { couponEvents { id } }', {});
    await subscribedOn(t.server.server, before + 1);
    // Disabled in the database only (no token version change): every check reads disabled_at itself.
    await t.server.db.prisma.user.update({ where: { id: boss.user.id }, data: { disabledAt: new Date() } });
    expect(errorCode(await gql(ME, {}, boss.token))).toBe('UNAUTHENTICATED');
    expect(errorCode(await gql('{ books(first: 1) { totalCount } }', {}, secret))).toBe('UNAUTHENTICATED');
    expect((await refreshWith(cookie as string)).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    await waitFor(() => c.closes.length > 0, 'the key socket to close (periodic re-check)', 6_000);
    expect(c.closes[0].code).toBe(4401);
  });

  it('refuses yourself and an erased user; disables a shop customer too; is idempotent', async () => {
    expect(errorCode(await gql(DISABLE, { u: t.admin.user.id }))).toBe('BAD_USER_INPUT');
    expect((await gql(DISABLE, { u: await customer(`dis-${Date.now()}`) })).data?.disableUser.disabled).toBe(true);
    const person = await signUp(t.server);
    await gql(DISABLE, { u: person.user.id });
    const twice = await gql(DISABLE, { u: person.user.id });
    expect(twice.data!.disableUser.disabled).toBe(true);
    expect(await auditOf(person.user.id, 'USER_DISABLED')).toHaveLength(1);
    await gql(ERASE, { u: person.user.id });
    expect(errorCode(await gql(ENABLE, { u: person.user.id }))).toBe('INVALID_STATE');
  });

  it('an admin cannot give a coupon to a disabled or erased user, nor to an unknown one', async () => {
    const { bookId, codes } = await createCampaign(t.server, asApiUser(t.admin), 3);
    const [person, gone] = await createUsers(t.server, 2);
    await gql(DISABLE, { u: person.id });
    await gql(ERASE, { u: gone.id });
    for (const u of [person.id, gone.id]) {
      expect((await call(t.server, OPS.assignRandom, { bookId, userId: u }, t.admin.token)).ok ? 'ok' : 'refused').toBe('refused');
      const byCode = await graphqlRequest(t.server, OPS.assignCode, { code: codes[0], userId: u }, t.admin.token);
      expect(byCode.errors?.[0].extensions).toMatchObject({ code: 'INVALID_STATE', userId: u });
    }
    expect(errorCode(await graphqlRequest(t.server, OPS.assignRandom, { bookId, userId: '00000000-0000-4000-8000-000000000000' }, t.admin.token))).toBe('NOT_FOUND');
    await gql(ENABLE, { u: person.id });
    expect((await call(t.server, OPS.assignRandom, { bookId, userId: person.id }, t.admin.token)).ok).toBe(true);
  });

  it('disable racing claims by that user: each claim is served before it or refused, no claim after it (10 rounds)', async () => {
    for (let round = 0; round < 10; round++) {
      const [claimer] = await createUsers(t.server, 1);
      const { bookId } = await createCampaign(t.server, asApiUser(t.admin), 30);
      const claims = Array.from({ length: 8 }, () => call(t.server, OPS.assignRandom, { bookId }, claimer.token));
      const disabled = call(t.server, DISABLE, { u: claimer.id }, t.admin.token);
      const outcomes = await Promise.all([...claims, disabled]);
      expect(outcomes[8].ok, JSON.stringify(outcomes[8])).toBe(true);
      for (const o of outcomes.slice(0, 8)) expect(o.ok || o.code === 'UNAUTHENTICATED', JSON.stringify(o)).toBe(true);
      const after = await call(t.server, OPS.assignRandom, { bookId }, claimer.token);
      expect(after.ok ? 'ok' : after.code).toBe('UNAUTHENTICATED');
      const held = await t.server.db.prisma.coupon.count({ where: { bookId, assignedUserId: claimer.id } });
      expect(held).toBe(outcomes.slice(0, 8).filter((o) => o.ok).length);
    }
    await expectInvariants(t.server.db, 'after disable raced claims');
  });
});

describe('eraseUser', () => {
  it('gives unused coupons back, keeps redemptions and history on the anonymous row, removes the rest', async () => {
    const person = await signUp(t.server);
    const { cookie } = await loginAnswer(person);
    const { bookId, codes } = await createCampaign(t.server, asApiUser(t.admin), 6, { maxAssignmentsPerUser: 5 });
    const [assigned, locked, redeemed] = codes;
    for (const code of [assigned, locked, redeemed]) expect((await call(t.server, OPS.assignCode, { code }, person.token)).ok).toBe(true);
    expect((await call(t.server, OPS.lock, { code: locked }, person.token)).ok).toBe(true);
    expect((await call(t.server, OPS.lock, { code: redeemed }, person.token)).ok).toBe(true);
    expect((await call(t.server, OPS.redeem, { code: redeemed }, person.token)).ok).toBe(true);
    await createPool(t.server, asApiUser(t.admin), [asApiUser(person)]);

    // An admin watches the book live: the coupons given back are announced after commit.
    const before = liveCount();
    const watcher = t.clients.connect(t.server, t.admin.token);
    const events = record<{ couponEvents: { type: string; couponId: string; fromState: string; toState: string } }>(
      watcher.client,
      'subscription ($b: ID) { couponEvents(bookId: $b) { type couponId fromState toState } }',
      { b: bookId },
    );
    await subscribedOn(t.server.server, before + 1);

    const erased = await gql(ERASE, { u: person.user.id });
    expect(erased.errors).toBeUndefined();
    expect(erased.data).toEqual({ eraseUser: true });

    const coupons = await t.server.db.prisma.coupon.findMany({ where: { code: { in: [assigned, locked, redeemed] } }, orderBy: { code: 'asc' } });
    const byCode = new Map(coupons.map((c) => [c.code, c]));
    for (const code of [assigned, locked]) {
      expect(byCode.get(code)).toMatchObject({ state: 'UNASSIGNED', assignedUserId: null, lockedById: null, lockExpiresAt: null });
    }
    expect(byCode.get(redeemed)).toMatchObject({ state: 'REDEEMED', assignedUserId: person.user.id });
    const counter = await t.server.db.prisma.userBookCounter.findUniqueOrThrow({ where: { userId_bookId: { userId: person.user.id, bookId } } });
    expect(counter.assignedCount).toBe(1);
    const row = await t.server.db.prisma.user.findUniqueOrThrow({ where: { id: person.user.id } });
    expect(row).toMatchObject({ email: null, passwordHash: null, externalId: null, role: 'USER' });
    expect(row.erasedAt).not.toBeNull();
    expect(await t.server.db.prisma.redemption.count({ where: { userId: person.user.id } })).toBe(1);
    expect(await t.server.db.prisma.poolMember.count({ where: { userId: person.user.id } })).toBe(0);
    expect(await t.server.db.prisma.refreshToken.count({ where: { userId: person.user.id } })).toBe(0);
    const given = await t.server.db.prisma.couponEvent.findMany({ where: { bookId, type: 'UNASSIGNED' }, orderBy: { id: 'asc' } });
    expect(given.map((e) => [e.fromState, e.toState, e.reason, e.actorId, e.userId])).toEqual([
      ['ASSIGNED', 'UNASSIGNED', 'user erased', t.admin.user.id, null],
      ['LOCKED', 'UNASSIGNED', 'user erased', t.admin.user.id, null],
    ]);
    await waitFor(() => events.values.length >= 2, 'the UNASSIGNED events live');
    expect(events.values.map((v) => v.data?.couponEvents.type)).toEqual(['UNASSIGNED', 'UNASSIGNED']);
    const [audit] = await auditOf(person.user.id, 'USER_ERASED');
    // Register and login each started a refresh-token family.
    expect(audit.changes).toEqual({ couponsReturned: 2, couponsKept: 1, poolMemberships: 1, refreshTokens: 2, apiKeys: 0 });
    expect(JSON.stringify(audit.changes)).not.toContain(person.email);

    // Nothing of them works or shows any more; erasing again changes nothing.
    expect(errorCode(await gql(ME, {}, person.token))).toBe('UNAUTHENTICATED');
    expect((await refreshWith(cookie as string)).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect((await loginAnswer(person)).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect((await gql(USERS, { search: person.email })).data!.users.totalCount).toBe(0);
    expect((await gql(ERASE, { u: person.user.id })).data).toEqual({ eraseUser: true });
    expect(await auditOf(person.user.id, 'USER_ERASED')).toHaveLength(1);
    // Their email is free again.
    expect((await signUp(t.server, 'USER', { email: person.email })).user.id).not.toBe(person.user.id);
    await expectInvariants(t.server.db, 'after erase');
  });

  it("erases a shop's customer, and an admin's API keys with them", async () => {
    const shopper = await customer(`erase-${Date.now()}`);
    expect((await gql(ERASE, { u: shopper })).data).toEqual({ eraseUser: true });
    expect(await t.server.db.prisma.user.findUniqueOrThrow({ where: { id: shopper } })).toMatchObject({ externalId: null });
    const boss = await signUp(t.server, 'ADMIN');
    const made = await gql('mutation { createApiKey(input: { name: "to erase", scopes: [ADMIN] }) { secret } }', {}, boss.token);
    expect((await gql(ERASE, { u: boss.user.id })).data).toEqual({ eraseUser: true });
    expect(errorCode(await gql('{ books(first: 1) { totalCount } }', {}, made.data!.createApiKey.secret))).toBe('UNAUTHENTICATED');
    const hash = new Uint8Array(createHash('sha256').update(made.data!.createApiKey.secret).digest());
    expect(await t.server.db.prisma.apiKey.count({ where: { secretHash: hash } })).toBe(0);
  });

  it('refuses yourself, unknown and malformed ids, and a USER', async () => {
    expect(errorCode(await gql(ERASE, { u: t.admin.user.id }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await gql(ERASE, { u: '00000000-0000-4000-8000-000000000000' }))).toBe('NOT_FOUND');
    expect(errorCode(await gql(ERASE, { u: 'x' }))).toBe('BAD_USER_INPUT');
    const plain = await signUp(t.server);
    expect(errorCode(await gql(ERASE, { u: t.admin.user.id }, plain.token))).toBe('FORBIDDEN');
  });

  it('erase racing a lock by that user: the coupon ends given back, locked-then-returned or returned (20 rounds)', async () => {
    for (let round = 0; round < 20; round++) {
      const [holder] = await createUsers(t.server, 1);
      const { bookId, codes } = await createCampaign(t.server, asApiUser(t.admin), 2);
      const [code] = codes;
      expect((await call(t.server, OPS.assignCode, { code }, holder.token)).ok).toBe(true);
      const [locked, erased] = await Promise.all([call(t.server, OPS.lock, { code }, holder.token), call(t.server, ERASE, { u: holder.id }, t.admin.token)]);
      expect(erased.ok, JSON.stringify(erased)).toBe(true);
      const coupon = await t.server.db.prisma.coupon.findUniqueOrThrow({ where: { code } });
      expect(coupon).toMatchObject({ state: 'UNASSIGNED', assignedUserId: null, lockedById: null });
      const history = await t.server.db.prisma.couponEvent.findMany({ where: { bookId, couponId: coupon.id }, orderBy: { id: 'asc' } });
      const path = history.map((e) => `${e.type}:${e.fromState}>${e.toState}`).join(' ');
      if (locked.ok) expect(path).toBe('ASSIGNED:UNASSIGNED>ASSIGNED LOCKED:ASSIGNED>LOCKED UNASSIGNED:LOCKED>UNASSIGNED');
      else {
        expect(['UNAUTHENTICATED', 'NOT_FOUND', 'INVALID_STATE']).toContain(locked.code);
        expect(path).toBe('ASSIGNED:UNASSIGNED>ASSIGNED UNASSIGNED:ASSIGNED>UNASSIGNED');
      }
    }
    await expectInvariants(t.server.db, 'after erase raced locks');
  });
});
