import { createHash, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  call,
  createCampaign,
  createUsers,
  errorCode,
  graphqlRequest,
  OPS,
  record,
  SESSION_RECHECK_MS,
  useApiTest,
  waitFor,
} from '../../testing/index.ts';

// API keys over real HTTP and WebSocket: a shop backend creates nothing but a key, then acts for
// its customers by its own ids. The key's secret is shown once and stored only as a hash; scopes
// narrow what it reaches; revoking it refuses the next request and closes its sockets.

const CREATE = `mutation ($i: CreateApiKeyInput!) {
  createApiKey(input: $i) { secret apiKey { id name prefix scopes createdAt lastUsedAt revokedAt } } }`;
const REVOKE = 'mutation ($id: ID!) { revokeApiKey(id: $id) { id revokedAt } }';
const LIST = '{ apiKeys { id name prefix scopes lastUsedAt revokedAt } }';
const BOOKS = '{ books(first: 1) { totalCount } }';
const CUSTOMER_COUPONS = `query ($c: String!, $s: CouponState) {
  customerCoupons(customerId: $c, state: $s, first: 10) { totalCount edges { node { code state } } } }`;

const t = useApiTest();

async function createKey(scopes: string[], token = t.admin.token): Promise<{ id: string; secret: string; prefix: string }> {
  const res = await graphqlRequest(t.server, CREATE, { i: { name: `key ${scopes.join('+')}`, scopes } }, token);
  if (!res.data?.createApiKey) throw new Error(`createApiKey: ${JSON.stringify(res.errors)}`);
  const { secret, apiKey } = res.data.createApiKey;
  return { id: apiKey.id, secret, prefix: apiKey.prefix };
}

describe('createApiKey', () => {
  it('shows a recognisable secret once and stores only its SHA-256', async () => {
    const res = await graphqlRequest(t.server, CREATE, { i: { name: 'shop backend', scopes: ['COUPONS_WRITE'] } }, t.admin.token);
    expect(res.errors).toBeUndefined();
    const { secret, apiKey } = res.data?.createApiKey ?? {};
    expect(secret).toMatch(/^cbk_[A-Za-z0-9_-]{43}$/);
    expect(apiKey).toMatchObject({ name: 'shop backend', scopes: ['COUPONS_WRITE'], lastUsedAt: null, revokedAt: null });
    expect(secret.startsWith(apiKey.prefix)).toBe(true);
    expect(apiKey.prefix).toHaveLength(12);

    const { rows } = await t.server.db.pool.query('SELECT secret_hash FROM api_key WHERE id = $1', [apiKey.id]);
    expect(Buffer.from(rows[0].secret_hash).equals(createHash('sha256').update(secret).digest())).toBe(true);
    const dump = await t.server.db.pool.query('SELECT row_to_json(k)::text AS row FROM api_key k');
    expect(dump.rows.some((r) => r.row.includes(secret.slice(12)))).toBe(false);
    // The list never carries the secret again.
    const list = await graphqlRequest(t.server, LIST, {}, t.admin.token);
    expect(JSON.stringify(list.data)).not.toContain(secret.slice(12));
  });

  it('refuses no scopes, unknown scopes and a blank name; a shopper is FORBIDDEN', async () => {
    const bad = async (i: unknown, token = t.admin.token) => errorCode(await graphqlRequest(t.server, CREATE, { i }, token));
    expect(await bad({ name: 'k', scopes: [] })).toBe('BAD_USER_INPUT');
    expect(await bad({ name: 'k', scopes: ['EVERYTHING'] })).toBe('BAD_USER_INPUT');
    expect(await bad({ name: '  ', scopes: ['ADMIN'] })).toBe('BAD_USER_INPUT');
    expect(await bad({ name: 'k', scopes: ['ADMIN'] }, t.user.token)).toBe('FORBIDDEN');
  });
});

describe('a shop backend with a COUPONS_WRITE key', () => {
  it("claims, locks and redeems for its customers by their own ids, who are created on first use", async () => {
    const key = await createKey(['COUPONS_WRITE']);
    const campaign = await createCampaign(t.server, t.admin, 4);
    const customerId = `shop-customer-${randomUUID()}`;

    const claimed = await call(t.server, OPS.assignRandom, { bookId: campaign.bookId, customerId }, key.secret);
    expect(claimed.ok).toBe(true);
    const code = claimed.ok ? claimed.data.code : '';
    const customer = await t.server.db.prisma.user.findUniqueOrThrow({ where: { externalId: customerId } });
    expect(customer).toMatchObject({ email: null, passwordHash: null, role: 'USER' });
    expect(claimed.ok && claimed.data.assignedUserId).toBe(customer.id);

    expect((await call(t.server, OPS.lock, { code, customerId }, key.secret)).ok).toBe(true);
    const redeemed = await call(t.server, OPS.redeem, { code, customerId }, key.secret);
    expect(redeemed.ok && redeemed.data.userId).toBe(customer.id);

    const coupons = await graphqlRequest(t.server, CUSTOMER_COUPONS, { c: customerId }, key.secret);
    expect(coupons.data?.customerCoupons).toEqual({ totalCount: 1, edges: [{ node: { code, state: 'REDEEMED' } }] });
    // The same id is the same customer: one row, however often the shop names it.
    await call(t.server, OPS.assignRandom, { bookId: campaign.bookId, customerId }, key.secret);
    expect(await t.server.db.prisma.user.count({ where: { externalId: customerId } })).toBe(1);
  });

  it('must name the customer; a code of another customer is NOT_FOUND, as for a shopper', async () => {
    const key = await createKey(['COUPONS_WRITE']);
    const campaign = await createCampaign(t.server, t.admin, 2);
    expect(await codeOf(OPS.assignRandom, { bookId: campaign.bookId }, key.secret)).toBe('BAD_USER_INPUT');
    const first = await call(t.server, OPS.assignCode, { code: campaign.codes[0], customerId: 'alice-1' }, key.secret);
    expect(first.ok).toBe(true);
    expect(await codeOf(OPS.lock, { code: campaign.codes[0], customerId: 'bob-2' }, key.secret)).toBe('NOT_FOUND');
    expect(await codeOf(OPS.assignCode, { code: campaign.codes[1], customerId: 'alice-1', userId: t.user.user.id }, key.secret)).toBe(
      'BAD_USER_INPUT',
    );
  });

  it('refuses a customerId that is empty, too long, padded or has control characters', async () => {
    const key = await createKey(['COUPONS_WRITE']);
    const campaign = await createCampaign(t.server, t.admin, 1);
    for (const customerId of ['', 'x'.repeat(201), ' padded', 'line\nbreak']) {
      expect(await codeOf(OPS.assignRandom, { bookId: campaign.bookId, customerId }, key.secret), JSON.stringify(customerId)).toBe(
        'BAD_USER_INPUT',
      );
    }
    expect(await codeOf(OPS.assignRandom, { bookId: campaign.bookId, customerId: 'x'.repeat(200) }, key.secret)).toBeUndefined();
  });

  it('makes one customer when 20 first uses of the same id race', async () => {
    const key = await createKey(['COUPONS_WRITE']);
    const campaign = await createCampaign(t.server, t.admin, 20);
    const customerId = `racer-${randomUUID()}`;
    const outcomes = await Promise.all(
      campaign.codes.map((code) => call(t.server, OPS.assignCode, { code, customerId }, key.secret)),
    );
    expect(outcomes.filter((o) => !o.ok)).toEqual([]);
    const owners = new Set(outcomes.map((o) => (o.ok ? o.data.assignedUserId : null)));
    expect(owners.size).toBe(1);
    expect(await t.server.db.prisma.user.count({ where: { externalId: customerId } })).toBe(1);
  });

  it("a person may not use customerId; an admin may", async () => {
    const campaign = await createCampaign(t.server, t.admin, 2);
    expect(await codeOf(OPS.assignRandom, { bookId: campaign.bookId, customerId: 'c-9' }, t.user.token)).toBe('FORBIDDEN');
    expect(await codeOf(OPS.assignRandom, { bookId: campaign.bookId, customerId: 'c-9' }, t.admin.token)).toBeUndefined();
  });
});

describe('scopes', () => {
  it('COUPONS_READ reads but does not act; COUPONS_WRITE does not administer; ADMIN does', async () => {
    const [read, write, adminKey] = await Promise.all([createKey(['COUPONS_READ']), createKey(['COUPONS_WRITE']), createKey(['ADMIN'])]);
    const campaign = await createCampaign(t.server, t.admin, 3);
    const createBook = 'mutation { createBook(input: { name: "by key", discountType: PERCENTAGE, discountValue: 5 }) { id } }';

    expect(await codeOf(CUSTOMER_COUPONS, { c: 'nobody-yet' }, read.secret)).toBeUndefined();
    expect(await codeOf(BOOKS, {}, read.secret)).toBeUndefined();
    expect(await codeOf(OPS.assignRandom, { bookId: campaign.bookId, customerId: 'r-1' }, read.secret)).toBe('FORBIDDEN');
    expect(await codeOf(createBook, {}, write.secret)).toBe('FORBIDDEN');
    expect(await codeOf(LIST, {}, write.secret)).toBe('FORBIDDEN');
    expect(await codeOf(createBook, {}, adminKey.secret)).toBeUndefined();
    expect(await codeOf(OPS.assignRandom, { bookId: campaign.bookId, customerId: 'a-1' }, adminKey.secret)).toBeUndefined();
    // A reading key does not create the customers it asks about.
    expect(await t.server.db.prisma.user.count({ where: { externalId: 'nobody-yet' } })).toBe(0);
  });

  it("fields of a person's own session refuse every key", async () => {
    const key = await createKey(['ADMIN']);
    for (const query of ['{ me { id } }', '{ myCoupons { totalCount } }', 'mutation { signOutEverywhere }']) {
      expect(await codeOf(query, {}, key.secret), query).toBe('FORBIDDEN');
    }
  });

  it('a key cannot create a key unless it holds ADMIN', async () => {
    const write = await createKey(['COUPONS_WRITE']);
    const adminKey = await createKey(['ADMIN']);
    expect(errorCode(await graphqlRequest(t.server, CREATE, { i: { name: 'x', scopes: ['COUPONS_READ'] } }, write.secret))).toBe('FORBIDDEN');
    expect((await graphqlRequest(t.server, CREATE, { i: { name: 'x', scopes: ['COUPONS_READ'] } }, adminKey.secret)).errors).toBeUndefined();
  });
});

describe('revocation and what a key depends on', () => {
  it('a revoked key is UNAUTHENTICATED on its next call; revoking again changes nothing', async () => {
    const key = await createKey(['COUPONS_READ']);
    expect(await codeOf(BOOKS, {}, key.secret)).toBeUndefined();
    const revoked = await graphqlRequest(t.server, REVOKE, { id: key.id }, t.admin.token);
    expect(revoked.data?.revokeApiKey.revokedAt).toEqual(expect.any(String));
    expect(await codeOf(BOOKS, {}, key.secret)).toBe('UNAUTHENTICATED');
    const again = await graphqlRequest(t.server, REVOKE, { id: key.id }, t.admin.token);
    expect(again.data?.revokeApiKey.revokedAt).toBe(revoked.data?.revokeApiKey.revokedAt);
    expect(errorCode(await graphqlRequest(t.server, REVOKE, { id: randomUUID() }, t.admin.token))).toBe('NOT_FOUND');
  });

  it('an unknown or malformed secret is UNAUTHENTICATED, never anonymous', async () => {
    for (const secret of [`cbk_${'A'.repeat(43)}`, 'cbk_short']) {
      expect(await codeOf(BOOKS, {}, secret)).toBe('UNAUTHENTICATED');
    }
  });

  it("a key stops working when the admin who made it is demoted, and records when it was last used", async () => {
    const [maker] = await createUsers(t.server, 1, 'ADMIN');
    const key = await createKey(['COUPONS_READ'], maker.token);
    expect(await codeOf(BOOKS, {}, key.secret)).toBeUndefined();
    // The last-use write follows the answer.
    await expect
      .poll(async () => (await t.server.db.prisma.apiKey.findUniqueOrThrow({ where: { id: key.id } })).lastUsedAt)
      .not.toBeNull();
    await t.server.db.prisma.user.update({ where: { id: maker.id }, data: { role: 'USER' } });
    expect(await codeOf(BOOKS, {}, key.secret)).toBe('UNAUTHENTICATED');
  });

  it("revoking closes the key's open WebSockets at once (4401)", async () => {
    const key = await createKey(['ADMIN']);
    const c = t.clients.connect(t.server, key.secret);
    const acked = new Promise<void>((resolve) => c.client.on('connected', () => resolve()));
    const sub = record(c.client, 'subscription { couponEvents { id } }', {});
    await acked;
    const started = Date.now();
    await graphqlRequest(t.server, REVOKE, { id: key.id }, t.admin.token);
    await waitFor(() => c.closes.length > 0, 'the socket to close', SESSION_RECHECK_MS + 3_000);
    expect(c.closes.map((close) => close.code)).toEqual([4401]);
    expect(Date.now() - started).toBeLessThan(1_000);
    await sub.finished;
  });

  it('a revoked key cannot open a WebSocket', async () => {
    const key = await createKey(['ADMIN']);
    await graphqlRequest(t.server, REVOKE, { id: key.id }, t.admin.token);
    const c = t.clients.connect(t.server, key.secret);
    const sub = record(c.client, 'subscription { couponEvents { id } }', {});
    await waitFor(() => c.closes.length > 0, 'the socket to close');
    expect(c.closes[0].code).toBe(4401);
    await sub.finished;
  });
});

async function codeOf(query: string, variables: Record<string, unknown>, token: string): Promise<string | undefined> {
  return errorCode(await graphqlRequest(t.server, query, variables, token));
}

describe('the audit log', () => {
  it('records who created and who revoked a key (never the secret)', async () => {
    const key = await createKey(['COUPONS_READ']);
    await graphqlRequest(t.server, REVOKE, { id: key.id }, t.admin.token);
    const res = await graphqlRequest(
      t.server,
      'query ($f: AuditLogFilter) { auditLog(filter: $f, first: 10) { totalCount edges { node { action actorId targetType targetId changes } } } }',
      { f: { targetType: 'API_KEY', targetId: key.id } },
      t.admin.token,
    );
    expect(res.errors).toBeUndefined();
    const entries = res.data?.auditLog.edges.map((e: { node: unknown }) => e.node);
    expect(entries).toEqual([
      { action: 'API_KEY_REVOKED', actorId: t.admin.user.id, targetType: 'API_KEY', targetId: key.id, changes: { name: 'key COUPONS_READ' } },
      { action: 'API_KEY_CREATED', actorId: t.admin.user.id, targetType: 'API_KEY', targetId: key.id, changes: { name: 'key COUPONS_READ', scopes: ['COUPONS_READ'] } },
    ]);
    expect(JSON.stringify(res.data)).not.toContain(key.secret);
    expect(errorCode(await graphqlRequest(t.server, '{ auditLog { totalCount } }', {}, t.user.token))).toBe('FORBIDDEN');
  });
});

describe('apiKeysConnection', () => {
  it('pages the keys newest first with their total; the pages neither overlap nor skip one; a bad cursor is BAD_USER_INPUT', async () => {
    const made: string[] = [];
    for (let i = 0; i < 5; i += 1) made.push((await createKey(['COUPONS_READ'])).id);
    const PAGE = `query ($after: String) { apiKeysConnection(first: 2, after: $after) {
      totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id } } } }`;
    const seen: string[] = [];
    let after: string | null = null;
    let total = -1;
    // Every page until the last: the file's earlier tests made keys too (more than ten pages of two).
    for (let round = 0; round < 1_000; round += 1) {
      type KeyPage = { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: Array<{ node: { id: string } }> };
      const res = await graphqlRequest<{ apiKeysConnection: KeyPage }>(t.server, PAGE, { after }, t.admin.token);
      expect(res.errors).toBeUndefined();
      const page = res.data?.apiKeysConnection as KeyPage;
      total = page.totalCount;
      seen.push(...page.edges.map((e) => e.node.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    const { rows } = await t.server.db.pool.query('SELECT id::text FROM api_key ORDER BY created_at DESC, id DESC');
    expect(total).toBe(rows.length);
    expect(seen).toEqual(rows.map((r) => r.id));
    expect(seen).toEqual(expect.arrayContaining(made));
    expect(errorCode(await graphqlRequest(t.server, PAGE, { after: 'nonsense' }, t.admin.token))).toBe('BAD_USER_INPUT');
  });
});
