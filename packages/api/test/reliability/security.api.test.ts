import { createHmac, randomUUID } from 'node:crypto';
import { Prisma } from '@coupons/db';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  connectGraphQLWs,
  createCampaign,
  createPool,
  OPS,
  postJson,
  useApiTest,
  wsRequest,
} from '../../testing/index.ts';
import { expectInvariants } from './book.snapshot.ts';

// Security over the real transports (HTTP, graphql-ws, the CSV download). Complements
// auth/auth.api.test.ts (bad tokens on `me`) and server/limits.api.test.ts (limits refuse):
// here forged tokens try the admin-only paths, users reach for each other's objects, and
// refused bombs are shown to have executed nothing.

const t = useApiTest({ users: ['alice', 'mallory'], accounts: 'inserted' });

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const hmac = (hash: 'sha256' | 'sha384' | 'sha512', header: object, payload: object, secret: string) => {
  const unsigned = `${b64(header)}.${b64(payload)}`;
  return `${unsigned}.${createHmac(hash, secret).update(unsigned).digest('base64url')}`;
};
const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));

async function bookCount(): Promise<number> {
  const [row] = await t.server.db.prisma.$queryRaw<Array<{ n: number }>>(Prisma.sql`SELECT count(*)::int AS n FROM book`);
  return row.n;
}

describe('forged and tampered tokens are UNAUTHENTICATED on every transport, never a role', () => {
  // Alice's real claims, promoted to ADMIN: what a forger wants.
  let claims: Record<string, unknown>;
  beforeAll(() => {
    claims = { ...claimsOf(t.alice.token), role: 'ADMIN' };
  });
  const secret = () => t.server.config.JWT_SECRET;
  const now = () => Math.floor(t.server.clock.now().getTime() / 1000);
  const forged: Array<[string, () => string]> = [
    ['alg none', () => `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`],
    ['alg None (case games)', () => `${b64({ alg: 'None', typ: 'JWT' })}.${b64(claims)}.`],
    ['alg HS512 with the right secret (algorithm not pinned?)', () => hmac('sha512', { alg: 'HS512', typ: 'JWT' }, claims, secret())],
    ['alg HS384 with the right secret', () => hmac('sha384', { alg: 'HS384', typ: 'JWT' }, claims, secret())],
    ['alg RS256 header over an HMAC of the secret (key confusion)', () => hmac('sha256', { alg: 'RS256', typ: 'JWT' }, claims, secret())],
    ['wrong secret', () => hmac('sha256', { alg: 'HS256', typ: 'JWT' }, claims, 'not-the-secret-but-long-enough-000000')],
    ['wrong issuer', () => hmac('sha256', { alg: 'HS256', typ: 'JWT' }, { ...claims, iss: 'evil' }, secret())],
    ['wrong audience', () => hmac('sha256', { alg: 'HS256', typ: 'JWT' }, { ...claims, aud: 'other-api' }, secret())],
    ['expired', () => hmac('sha256', { alg: 'HS256', typ: 'JWT' }, { ...claims, iat: now() - 7200, exp: now() - 1 }, secret())],
    ['not valid yet (nbf)', () => hmac('sha256', { alg: 'HS256', typ: 'JWT' }, { ...claims, nbf: now() + 3600 }, secret())],
    ['no expiry at all', () => {
      const { exp: _exp, ...forever } = claims;
      return hmac('sha256', { alg: 'HS256', typ: 'JWT' }, forever, secret());
    }],
    ['an unknown role', () => hmac('sha256', { alg: 'HS256', typ: 'JWT' }, { ...claims, role: 'SUPERUSER' }, secret())],
    ['a signature cut short', () => t.alice.token.slice(0, -5)],
    ['a tampered payload under the original signature', () => {
      const [header, , signature] = t.alice.token.split('.');
      return `${header}.${b64(claims)}.${signature}`;
    }],
  ];

  it.each(forged)('%s: HTTP admin mutation refused, nothing created', async (_name, make) => {
    const before = await bookCount();
    const res = await call(t.server, 'mutation { createBook(input: { name: "forged", discountType: PERCENTAGE, discountValue: 5 }) { id } }', {}, make());
    expect(res.ok ? 'ok' : res.code).toBe('UNAUTHENTICATED');
    expect(await bookCount()).toBe(before);
  });

  it.each(forged)('%s: graphql-ws closes the socket (4401/4403)', async (_name, make) => {
    const client = connectGraphQLWs(t.server, make());
    try {
      const closed = await wsRequest(client, '{ me { id role } }').then(
        (result) => `answered ${JSON.stringify(result)}`,
        (event: { code?: number }) => event.code,
      );
      expect([4401, 4403]).toContain(closed);
    } finally {
      await client.dispose();
    }
  });

  it.each(forged)('%s: the CSV download is 401', async (_name, make) => {
    const { bookId } = await createCampaign(t.server, t.admin, 1);
    const res = await fetch(`${t.server.baseUrl}/export/books/${bookId}/codes.csv`, { headers: { authorization: `Bearer ${make()}` } });
    expect(res.status).toBe(401);
    expect(await res.text()).not.toContain('-0');
  });
});

describe("IDOR: one user reaching for another's coupon, redemption and events", () => {
  let code: string;
  let bookId: string;
  let redemptionId: string;
  beforeAll(async () => {
    const campaign = await createCampaign(t.server, t.admin, 3);
    ({ bookId } = campaign);
    code = campaign.codes[0];
    await call(t.server, OPS.assignCode, { code }, t.alice.token);
    await call(t.server, OPS.lock, { code }, t.alice.token);
    const redeemed = await call<{ id: string }>(t.server, OPS.redeem, { code, key: 'alice-order-1' }, t.alice.token);
    if (!redeemed.ok) throw new Error(redeemed.code);
    redemptionId = redeemed.data.id;
  });

  it('the coupon is invisible to another user however its code is spelled, and refuses their transitions', async () => {
    for (const spelling of [code, code.toLowerCase(), ` ${code} `]) {
      expect(await call(t.server, OPS.coupon, { code: spelling }, t.mallory.token)).toEqual({ ok: true, data: null });
      for (const op of [OPS.lock, OPS.unlock, OPS.redeem]) {
        const res = await call(t.server, op, { code: spelling }, t.mallory.token);
        expect(res.ok ? 'ok' : res.code).toBe('NOT_FOUND');
      }
    }
  });

  it('codes cannot be probed: a taken, a free and a missing code answer alike to a shopper', async () => {
    const campaign = await createCampaign(t.server, t.admin, 2);
    const [taken, free] = campaign.codes;
    expect((await call(t.server, OPS.assignCode, { code: taken }, t.alice.token)).ok).toBe(true);
    const missing = `${free}-NOPE`;
    const answer = async (op: string, probe: string) => {
      const res = await call(t.server, op, { code: probe }, t.mallory.token);
      // The message names the code as typed; everything else must be the same.
      return res.ok ? 'ok' : `${res.code}: ${res.message.replace(probe.toUpperCase(), '<code>')}`;
    };
    for (const op of [OPS.lock, OPS.unlock, OPS.redeem]) {
      const answers = await Promise.all([taken, free, missing].map((probe) => answer(op, probe)));
      expect(new Set(answers), op).toEqual(new Set(['NOT_FOUND: Coupon not found']));
    }
    // Claiming by code is what the call is for, so a free code can be claimed; a taken one reads
    // exactly like a code that does not exist.
    expect(await answer(OPS.assignCode, taken)).toBe(await answer(OPS.assignCode, missing));
    expect(await answer(OPS.assignCode, taken)).toBe('NOT_FOUND: Coupon "<code>" not found');
  });

  it("another user's idempotency key never replays the owner's answer", async () => {
    const replay = await call(t.server, OPS.redeem, { code, key: 'alice-order-1' }, t.mallory.token);
    expect(replay.ok ? replay.data : replay.code).toBe('NOT_FOUND');
    const own = await call<{ bookId: string; assignedUserId: string }>(t.server, OPS.assignRandom, { bookId, key: 'alice-order-1' }, t.mallory.token);
    expect(own.ok && own.data.assignedUserId).toBe(t.mallory.id);
  });

  it("the redemption stays out of another user's lists and cannot be reversed by them", async () => {
    const list = await call<{ totalCount: number }>(t.server, 'query ($b: ID) { redemptions(bookId: $b) { totalCount } }', { b: bookId }, t.mallory.token);
    expect(list).toEqual({ ok: true, data: { totalCount: 0 } });
    const reversed = await call(t.server, OPS.reverse, { id: redemptionId, reason: 'mine now' }, t.mallory.token);
    expect(reversed.ok ? 'ok' : reversed.code).toBe('FORBIDDEN');
  });

  it("another user's subscriptions receive none of the owner's events, whatever they name", async () => {
    const { bookId: shared, codes } = await createCampaign(t.server, t.admin, 2);
    const [aliceCode, marker] = codes;
    const watcher = connectGraphQLWs(t.server, t.mallory.token);
    const record = (query: string, variables: Record<string, unknown> = {}) => {
      const values: string[] = [];
      (async () => {
        for await (const value of watcher.iterate({ query, variables })) values.push(JSON.stringify(value));
      })().catch((error: unknown) => values.push(`failed: ${JSON.stringify(error)}`));
      return values;
    };
    try {
      const byCode = record('subscription ($c: String) { couponEvents(code: $c) { type coupon { code } } }', { c: aliceCode });
      const byBook = record('subscription ($b: ID) { couponEvents(bookId: $b) { type actor { id } coupon { code assignedUserId } } }', { b: shared });
      const all = record('subscription { couponEvents { type coupon { code assignedUserId } } }');
      const redemptions = record('subscription { redemptionEvents { id userId coupon { code } } }');
      // Live once Mallory's own transitions reach her (the others subscribed before these).
      await call(t.server, OPS.assignCode, { code: marker }, t.mallory.token);
      await waitUntil(async () => {
        await call(t.server, OPS.lock, { code: marker }, t.mallory.token);
        await call(t.server, OPS.unlock, { code: marker }, t.mallory.token);
        return byBook.length > 0 && all.length > 0;
      });
      for (const op of [OPS.assignCode, OPS.lock, OPS.redeem]) expect((await call(t.server, op, { code: aliceCode }, t.alice.token)).ok).toBe(true);
      for (const op of [OPS.lock, OPS.redeem]) expect((await call(t.server, op, { code: marker }, t.mallory.token)).ok).toBe(true);
      // Events are delivered in commit order: once Mallory's redemption is in, Alice's have been filtered.
      await waitUntil(async () => redemptions.length > 0 && byBook.some((v) => v.includes('REDEEMED')));
      const leaked = [...byCode, ...byBook, ...all, ...redemptions].filter((v) => v.includes(aliceCode) || v.includes(t.alice.id));
      expect(leaked).toEqual([]);
      expect(byCode).toEqual([]);
      expect([...byBook, ...all, ...redemptions].filter((v) => v.startsWith('failed'))).toEqual([]);
    } finally {
      await watcher.dispose();
    }
  });

  it('bookStats is for admins only', async () => {
    const client = connectGraphQLWs(t.server, t.mallory.token);
    try {
      const res = await wsRequest(client, 'subscription ($b: ID!) { bookStats(bookId: $b) { total } }', { b: bookId });
      expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    } finally {
      await client.dispose();
    }
  });

  it('CSV downloads: admins only, and never with a token in the URL', async () => {
    const url = `${t.server.baseUrl}/export/books/${bookId}/redemptions.csv`;
    const statusWith = async (headers: Record<string, string>, query = '') => (await fetch(`${url}${query}`, { headers })).status;
    expect(await statusWith({})).toBe(401);
    expect(await statusWith({ authorization: `Bearer ${t.alice.token}` })).toBe(403);
    expect(await statusWith({}, `?token=${t.admin.token}`)).toBe(401);
    expect(await statusWith({}, `?access_token=${t.admin.token}`)).toBe(401);
    expect(await statusWith({ authorization: `Bearer ${t.admin.token}` })).toBe(200);
  });
});

/** Retries `check` until it is true (at most 5 s): for conditions, not for timing. */
async function waitUntil(check: () => Promise<boolean>): Promise<void> {
  for (let waited = 0; waited < 5_000; waited += 25) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('condition not met within 5 s');
}

describe('bombs are rejected before anything executes', () => {
  let bookId: string;
  let poolId: string;
  beforeAll(async () => {
    ({ bookId } = await createCampaign(t.server, t.admin, 200));
    poolId = await createPool(t.server, t.admin, [t.alice, t.mallory]);
  });
  const assignedInBook = async () => {
    const [row] = await t.server.db.prisma.$queryRaw<Array<{ n: number }>>(Prisma.sql`
      SELECT count(*)::int AS n FROM coupon WHERE book_id = ${bookId}::uuid AND state <> 'UNASSIGNED'`);
    return row.n;
  };

  it('an alias bomb of 31 assignments', async () => {
    const aliases = Array.from({ length: 31 }, (_, i) => `a${i}: assignRandomCoupon(bookId: $b) { id }`).join(' ');
    const res = await call(t.server, `mutation ($b: ID!) { ${aliases} }`, { b: bookId }, t.mallory.token);
    expect(res.ok ? 'ok' : res.code).toBe('BAD_USER_INPUT');
    expect(await assignedInBook()).toBe(0);
  });

  it('the same alias bomb over graphql-ws', async () => {
    const aliases = Array.from({ length: 31 }, (_, i) => `a${i}: assignRandomCoupon(bookId: $b) { id }`).join(' ');
    const client = connectGraphQLWs(t.server, t.mallory.token);
    try {
      const res = await wsRequest(client, `mutation ($b: ID!) { ${aliases} }`, { b: bookId });
      expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    } finally {
      await client.dispose();
    }
    expect(await assignedInBook()).toBe(0);
  });

  it('a cost bomb: distributions that each ask for a page of 100 members of 100 coupons', async () => {
    const heavy = Array.from({ length: 20 }, (_, i) =>
      `d${i}: distributeToPool(poolId: $p, bookId: $b, mode: RANDOM, count: 1) { id pool { members(first: 100) { edges { node { id email role createdAt } } } } }`,
    ).join(' ');
    const res = await call(t.server, `mutation ($p: ID!, $b: ID!) { ${heavy} }`, { p: poolId, b: bookId }, t.admin.token);
    expect(res.ok ? 'ok' : res.code).toBe('BAD_USER_INPUT');
    expect(await assignedInBook()).toBe(0);
  });

  it('an HTTP batch of mutations', async () => {
    const one = { query: 'mutation ($b: ID!) { assignRandomCoupon(bookId: $b) { id } }', variables: { b: bookId } };
    const res = await postJson(t.server.url, JSON.stringify([one, one]), { authorization: `Bearer ${t.mallory.token}` });
    expect(res.status).toBe(400);
    expect(await assignedInBook()).toBe(0);
  });

  it('a fragment bomb (each fragment spreads the next twice) is answered at once, never a crash', async () => {
    const levels = 20;
    const fragments = Array.from({ length: levels }, (_, i) =>
      i === levels - 1 ? `fragment F${i} on Coupon { id code }` : `fragment F${i} on Coupon { ...F${i + 1} ...F${i + 1} }`,
    ).join(' ');
    const res = await call(t.server, `mutation ($b: ID!) { assignRandomCoupon(bookId: $b) { ...F0 } } ${fragments}`, { b: bookId }, t.mallory.token);
    // graphql-js visits a fragment once per selection set, so 2^19 spreads cost 20 visits.
    expect(['BAD_USER_INPUT', 'ok']).toContain(res.ok ? 'ok' : res.code);
    expect(await assignedInBook()).toBe(res.ok ? 1 : 0);
  });

  it('leaves the invariants intact', () => expectInvariants(t.server.db));
});

describe('CSRF prevention', () => {
  let bookId: string;
  beforeAll(async () => {
    ({ bookId } = await createCampaign(t.server, t.admin, 5));
  });
  const mutation = () => JSON.stringify({ query: `mutation { assignRandomCoupon(bookId: "${bookId}") { id } }` });
  const held = async () => {
    const [row] = await t.server.db.prisma.$queryRaw<Array<{ n: number }>>(Prisma.sql`
      SELECT count(*)::int AS n FROM coupon WHERE book_id = ${bookId}::uuid AND state <> 'UNASSIGNED'`);
    return row.n;
  };

  it.each(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x'])(
    'a "simple" cross-site POST (%s) is refused and changes nothing',
    async (contentType) => {
      const res = await fetch(t.server.url, {
        method: 'POST',
        headers: { 'content-type': contentType, authorization: `Bearer ${t.mallory.token}`, origin: 'https://evil.example' },
        body: mutation(),
      });
      expect(res.status).toBe(400);
      expect(await held()).toBe(0);
    },
  );

  it('a GET without a preflight header is refused; a mutation over GET never runs', async () => {
    const query = encodeURIComponent('{ me { id } }');
    const plain = await fetch(`${t.server.url}?query=${query}`, { headers: { authorization: `Bearer ${t.mallory.token}` } });
    expect(plain.status).toBe(400);
    const preflighted = await fetch(`${t.server.url}?query=${query}`, {
      headers: { authorization: `Bearer ${t.mallory.token}`, 'apollo-require-preflight': 'true' },
    });
    expect(preflighted.status).toBe(200);
    const viaGet = await fetch(`${t.server.url}?query=${encodeURIComponent(`mutation { assignRandomCoupon(bookId: "${bookId}") { id } }`)}`, {
      headers: { authorization: `Bearer ${t.mallory.token}`, 'apollo-require-preflight': 'true' },
    });
    expect(viaGet.status).toBe(405);
    expect(await held()).toBe(0);
  });

  it('a foreign origin gets no CORS grant', async () => {
    const res = await fetch(t.server.url, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, authorization' },
    });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('passwords are hashed with argon2id at OWASP strength or stronger', () => {
  it('the stored hash of a registration says argon2id, m ≥ 19456 KiB, t ≥ 2', async () => {
    const email = `argon-${randomUUID()}@example.test`;
    const res = await call(t.server, 'mutation ($e: String!) { register(email: $e, password: "a fine password") { token } }', { e: email });
    expect(res.ok).toBe(true);
    const [row] = await t.server.db.prisma.$queryRaw<Array<{ hash: string }>>(Prisma.sql`SELECT password_hash AS hash FROM app_user WHERE email = ${email}`);
    const match = /^\$(argon2(?:id|i|d))\$v=(\d+)\$m=(\d+),t=(\d+),p=(\d+)\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/.exec(row.hash);
    expect(match, row.hash.slice(0, 40)).not.toBeNull();
    const [, type, version, memory, time, parallelism] = match as RegExpExecArray;
    expect(type).toBe('argon2id');
    expect(Number(version)).toBe(19);
    expect(Number(memory)).toBeGreaterThanOrEqual(19_456);
    expect(Number(time)).toBeGreaterThanOrEqual(2);
    expect(Number(parallelism)).toBeGreaterThanOrEqual(1);
    expect(row.hash).not.toContain('a fine password');
  });
});
