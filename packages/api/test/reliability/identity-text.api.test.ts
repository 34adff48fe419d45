import { describe, expect, it } from 'vitest';
import { call, createCampaign, graphqlRequest, type Outcome, useApiTest } from '../../testing/index.ts';

// Identities and names as people type them. One address has one account however it is spelled
// (case, Unicode NFC or NFD, an IDN domain in Unicode or punycode), and is never made again with
// an invisible character (a look-alike); spellings of an email share its login limits; an erase
// leaves no login counters under the email. A shop's customerId is matched exactly and one new
// customerId used by racing calls is one customer. Names refuse what would show as something
// else or as nothing (lone surrogates, which PostgreSQL stores as U+FFFD, and invisible-only text).

const t = useApiTest({ users: [] });

const PASSWORD = 'correct horse battery staple';
const REGISTER = 'mutation ($e: String!, $p: String!) { register(email: $e, password: $p) { user { id email } } }';
const LOGIN = 'mutation ($e: String!, $p: String!) { login(email: $e, password: $p) { user { id email } } }';
type Account = { user: { id: string; email: string } };

const register = (email: string, password = PASSWORD) => call<Account>(t.server, REGISTER, { e: email, p: password });
const login = (email: string, password = PASSWORD) => call<Account>(t.server, LOGIN, { e: email, p: password });
const answer = (outcome: Outcome) => (outcome.ok ? 'ok' : outcome.code);

async function accountsWith(email: string): Promise<number> {
  return t.server.db.prisma.user.count({ where: { email } });
}

describe('emails: one address, one account, however it is typed', () => {
  it('an email typed with a decomposed letter (NFD) is the account of its precomposed form (NFC)', async () => {
    const nfc = 'jos\u00e9@example.com';
    const nfd = 'Jose\u0301@Example.com';
    const created = await register(nfc);
    if (!created.ok) throw new Error(created.message);
    expect(answer(await register(nfd))).toBe('BAD_USER_INPUT');
    const signedIn = await login(nfd);
    expect(signedIn.ok && signedIn.data.user.id).toBe(created.data.user.id);
    const found = await call<{ id: string } | null>(t.server, 'query ($e: String!) { userByEmail(email: $e) { id } }', { e: nfd }, t.admin.token);
    expect(found.ok && found.data?.id).toBe(created.data.user.id);
    const searched = await call<{ totalCount: number }>(t.server, 'query ($s: String) { users(search: $s) { totalCount } }', { s: 'JOSE\u0301@' }, t.admin.token);
    expect(searched.ok && searched.data.totalCount).toBe(1);
    const pool = await call<{ id: string }>(t.server, 'mutation { createPool(name: "NFD") { id } }', {}, t.admin.token);
    if (!pool.ok) throw new Error(pool.message);
    const added = await call<{ memberCount: number; unknownEmails: string[] }>(
      t.server,
      'mutation ($p: ID!, $e: [String!]) { addPoolMembers(poolId: $p, emails: $e) { memberCount unknownEmails } }',
      { p: pool.data.id, e: [nfd] },
      t.admin.token,
    );
    expect(added.ok && added.data).toEqual({ memberCount: 1, unknownEmails: [] });
  });

  it('an IDN domain in punycode is the account of its Unicode form', async () => {
    const created = await register('ana@B\u00dcCHER.de');
    expect(created.ok && created.data.user.email).toBe('ana@b\u00fccher.de');
    expect(answer(await register('ana@xn--bcher-kva.de'))).toBe('BAD_USER_INPUT');
    expect(answer(await login('ana@xn--bcher-kva.de'))).toBe('ok');
  });

  it('two registrations of spellings of one address at once: one account, the other BAD_USER_INPUT', async () => {
    for (const [index, [first, second]] of [
      ['Race@Example.com', 'race@EXAMPLE.com'],
      ['zo\u00eb@example.com', 'ZOE\u0308@example.com'],
      ['ida@b\u00fccher.de', 'ida@xn--bcher-kva.de'],
    ].entries()) {
      for (let round = 0; round < 4; round++) {
        const tag = `r${index}-${round}-`;
        const answers = await Promise.all([register(tag + first), register(tag + second)]);
        expect(answers.map(answer).sort(), `${first} | ${second}`).toEqual(['BAD_USER_INPUT', 'ok']);
        const winner = answers.find((a) => a.ok) as Extract<Outcome<Account>, { ok: true }>;
        expect(await accountsWith(winner.data.user.email)).toBe(1);
        const users = await t.server.db.prisma.user.count({ where: { email: { startsWith: tag } } });
        expect(users, `${first} | ${second}`).toBe(1);
      }
    }
  });

  it('an invisible character, a trailing dot or a lone surrogate makes no look-alike account', async () => {
    expect(answer(await register('look@example.com'))).toBe('ok');
    for (const lookAlike of [
      'look\u200b@example.com', // zero-width space
      'look\u00ad@example.com', // soft hyphen
      'look\u200d@example.com', // zero-width joiner
      'kool\u202e@example.com', // right-to-left override
      'look@example.com.',
      'look@example..com',
      '\ud800look@example.com',
    ]) {
      const refused = await graphqlRequest(t.server, REGISTER, { e: lookAlike, p: PASSWORD });
      expect(refused.errors?.[0]?.extensions, JSON.stringify(lookAlike)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'email' });
    }
    expect(await t.server.db.prisma.user.count({ where: { OR: [{ email: { contains: 'look' } }, { email: { contains: 'kool' } }] } })).toBe(1);
  });

  it('spellings of an email share its login limits: the back-off counts failures under every spelling', async () => {
    const created = await register('b\u00e9a@example.com');
    if (!created.ok) throw new Error(created.message);
    // Five failures (the back-off's default allowance), three of them spelled decomposed (NFD).
    for (const spelling of ['B\u00c9A@example.com', 'BE\u0301A@EXAMPLE.com', 'be\u0301a@example.com', 'Be\u0301a@example.com', ' b\u00e9a@example.com ']) {
      expect(answer(await login(spelling, 'wrong password'))).toBe('UNAUTHENTICATED');
    }
    // The server's clock stands still: the next attempt is within the back-off, whatever its spelling.
    expect(answer(await login('b\u00e9a@example.com'))).toBe('RATE_LIMITED');
    expect(answer(await login('BE\u0301A@example.com'))).toBe('RATE_LIMITED');
  });

  it('an erase forgets the login attempts on the email: whoever registers it next signs in', async () => {
    const email = 'erin@example.com';
    const first = await register(email);
    if (!first.ok) throw new Error(first.message);
    for (let i = 0; i < 5; i++) expect(answer(await login(email, 'wrong password'))).toBe('UNAUTHENTICATED');
    expect(answer(await login(email))).toBe('RATE_LIMITED');
    const erased = await call(t.server, 'mutation ($u: ID!) { eraseUser(userId: $u) }', { u: first.data.user.id }, t.admin.token);
    expect(erased).toEqual({ ok: true, data: true });
    const buckets = await t.server.db.prisma.$queryRaw<Array<{ key: string }>>`SELECT key FROM rate_limit_bucket WHERE key LIKE ${`%${email}%`}`;
    expect(buckets).toEqual([]);
    const second = await register(email, 'a new password for erin');
    expect(answer(second)).toBe('ok');
    const signedIn = await login(email, 'a new password for erin');
    expect(signedIn.ok && second.ok && signedIn.data.user.id).toBe(second.ok && second.data.user.id);
  });
});

describe("customerId: the shop's own id, matched exactly", () => {
  async function shopKey(): Promise<string> {
    const created = await call<{ secret: string }>(
      t.server,
      'mutation { createApiKey(input: { name: "shop", scopes: [COUPONS_WRITE, COUPONS_READ] }) { secret } }',
      {},
      t.admin.token,
    );
    if (!created.ok) throw new Error(created.message);
    return created.data.secret;
  }
  const CLAIM = 'mutation ($b: ID!, $c: String!) { assignRandomCoupon(bookId: $b, customerId: $c) { code user { id externalId } } }';
  type Claimed = { code: string; user: { id: string; externalId: string } };

  it('racing first uses of a new customerId act for one customer', async () => {
    const key = await shopKey();
    const { bookId } = await createCampaign(t.server, t.admin, 40);
    for (let round = 0; round < 4; round++) {
      const customerId = `new-customer-${round}`;
      const answers = await Promise.all(Array.from({ length: 6 }, () => call<Claimed>(t.server, CLAIM, { b: bookId, c: customerId }, key)));
      const ids = new Set(answers.map((a) => (a.ok ? a.data.user.id : a.code)));
      expect([...ids]).toHaveLength(1);
      expect(answers.every((a) => a.ok && a.data.user.externalId === customerId)).toBe(true);
      expect(await t.server.db.prisma.user.count({ where: { externalId: customerId } })).toBe(1);
    }
  });

  it('case and Unicode forms are different customers, padding is refused, and a lone surrogate is refused naming customerId', async () => {
    const key = await shopKey();
    const { bookId } = await createCampaign(t.server, t.admin, 10);
    const claim = (c: string) => call<Claimed>(t.server, CLAIM, { b: bookId, c }, key);
    const users = await Promise.all(['Cust-1', 'cust-1', 'zo\u00eb', 'zoe\u0308'].map(claim));
    expect(new Set(users.map((u) => (u.ok ? u.data.user.id : u.code))).size).toBe(4);
    expect(answer(await claim(' cust-1'))).toBe('BAD_USER_INPUT');
    // Both would have been stored as "cust-\ufffd": one customer for two of the shop's ids.
    for (const customerId of ['cust-\ud800', 'cust-\udfff', '\u3164']) {
      const refused = await graphqlRequest(t.server, CLAIM, { b: bookId, c: customerId }, key);
      expect(refused.errors?.[0]?.extensions, JSON.stringify(customerId)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'customerId' });
    }
    expect(await t.server.db.prisma.user.count({ where: { externalId: { startsWith: 'cust-\ufffd' } } })).toBe(0);
  });
});

describe('names shown in the console and exports', () => {
  const NAMED: Array<[string, string, (value: string) => Record<string, unknown>]> = [
    ['createBook', 'mutation ($v: String!) { createBook(input: { name: $v, discountType: PERCENTAGE, discountValue: 5 }) { name } }', (v) => ({ v })],
    ['createPool', 'mutation ($v: String!) { createPool(name: $v) { name } }', (v) => ({ v })],
    ['createApiKey', 'mutation ($v: String!) { createApiKey(input: { name: $v, scopes: [COUPONS_READ] }) { apiKey { name } } }', (v) => ({ v })],
    [
      'createWebhookEndpoint',
      'mutation ($v: String) { createWebhookEndpoint(input: { url: "http://127.0.0.1:9/names", events: [REDEEMED], description: $v }) { endpoint { description } } }',
      (v) => ({ v }),
    ],
  ];

  it('a lone surrogate (stored as U+FFFD, or refused without naming the field) and an invisible-only name are BAD_USER_INPUT naming the field', async () => {
    for (const [operation, query, variables] of NAMED) {
      const field = operation === 'createWebhookEndpoint' ? 'description' : 'name';
      for (const value of ['Sale \ud800', '\udfff', '\u3164', '\u115f\u034f', '\ufe0f', 'ok\u202eevil', 'a\u200bb']) {
        const refused = await graphqlRequest(t.server, query, variables(value), t.admin.token);
        expect(refused.errors?.[0]?.extensions, `${operation} ${JSON.stringify(value)}`).toMatchObject({ code: 'BAD_USER_INPUT', field });
      }
      for (const value of ['Été ❤\ufe0f 🎟️', '👨\u200d👩\u200d👧 family']) {
        const accepted = await graphqlRequest(t.server, query, variables(value), t.admin.token);
        expect(accepted.errors, `${operation} ${JSON.stringify(value)}`).toBeUndefined();
        expect(JSON.stringify(accepted.data)).toContain(JSON.stringify(value).slice(1, -1));
      }
    }
  });
});
