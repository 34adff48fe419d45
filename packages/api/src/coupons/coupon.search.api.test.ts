import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, type Campaign, CONTRACT_CODES, createCampaign, OPS, useApiTest } from '../../testing/index.ts';

// Search over the real API: the root `coupons` (ADMIN) and `redemptions` with each filter alone
// and combined, pages followed by their cursors, who may call them, and bad input answered with
// a contract code. One world, built through the API on a hand-moved clock:
//
//   T0       alice: A0 A1 A2 B0 (B0 redeemed)   bob: A3 A4 (A4 locked for 60 s)   customer: A5
//   T0+10m   alice: A6 B1 (B1 redeemed), locks A1   bob: A7 (redeemed, then reversed)   A8 voided
//
// so at T0+10m bob's lock on A4 has expired (A4 reads ASSIGNED) and alice's on A1 runs.

const t = useApiTest({ users: ['alice', 'bob'], accounts: 'inserted' });

const COUPONS = `query Coupons($bookId: ID, $state: CouponState, $userId: ID, $email: String, $customerId: String, $codePrefix: String,
    $assignedAfter: DateTime, $assignedBefore: DateTime, $first: Int, $after: String) {
  coupons(bookId: $bookId, state: $state, userId: $userId, email: $email, customerId: $customerId, codePrefix: $codePrefix,
      assignedAfter: $assignedAfter, assignedBefore: $assignedBefore, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { cursor node { code state } } } }`;
const REDEMPTIONS = `query Redemptions($bookId: ID, $orderId: String, $userId: ID, $email: String, $customerId: String, $code: String, $codePrefix: String,
    $redeemedAfter: DateTime, $redeemedBefore: DateTime, $reversed: Boolean, $first: Int, $after: String) {
  redemptions(bookId: $bookId, orderId: $orderId, userId: $userId, email: $email, customerId: $customerId, code: $code, codePrefix: $codePrefix,
      redeemedAfter: $redeemedAfter, redeemedBefore: $redeemedBefore, reversed: $reversed, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { id coupon { code } } } } }`;

type Page<N> = { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: Array<{ node: N }> };
type Vars = Record<string, unknown>;

let A: string[];
let B: string[];
let bookA: Campaign;
let bookB: Campaign;
let customerId: string;
let T0: Date;
let midway: Date;
/** Codes of book B with an underscore and without: `_` must not act as LIKE's wildcard. */
let underscore: { prefix: string; withIt: string; without: string };
const redemption = {} as Record<'r1' | 'r2' | 'r3', string>;

const admin = () => t.admin;
const asAdmin = (query: string, variables: Vars) => call(t.server, query, variables, admin().token);

async function ok<T>(query: string, variables: Vars, token = admin().token): Promise<T> {
  const outcome = await call<T>(t.server, query, variables, token);
  if (!outcome.ok) throw new Error(`${outcome.code}: ${outcome.message}`);
  return outcome.data;
}

/** The codes a coupons search returns on one page of 100, newest first. */
async function codes(variables: Vars): Promise<string[]> {
  const page = await ok<Page<{ code: string }>>(COUPONS, { first: 100, ...variables });
  expect(page.totalCount).toBe(page.edges.length);
  return page.edges.map((e) => e.node.code);
}

/** Every page of `first` items, following endCursor; checks totalCount on each page. */
async function allPages<N>(query: string, variables: Vars, first: number, token = admin().token): Promise<N[]> {
  const nodes: N[] = [];
  let after: string | null = null;
  for (let pages = 0; pages < 50; pages++) {
    const page: Page<N> = await ok<Page<N>>(query, { ...variables, first, after }, token);
    nodes.push(...page.edges.map((e) => e.node));
    if (!page.pageInfo.hasNextPage) {
      expect(page.totalCount).toBe(nodes.length);
      return nodes;
    }
    expect(page.edges).toHaveLength(first);
    after = page.pageInfo.endCursor;
  }
  throw new Error('more than 50 pages');
}

async function upload(bookId: string, list: string[]): Promise<void> {
  await ok('mutation ($b: ID!, $c: [String!]) { uploadCodes(bookId: $b, codes: $c) { inserted } }', { b: bookId, c: list });
}

async function redeem(code: string, token: string): Promise<string> {
  await ok(OPS.lock, { code }, token);
  return (await ok<{ id: string }>(OPS.redeem, { code }, token)).id;
}

beforeAll(async () => {
  const { alice, bob, server } = t;
  T0 = server.clock.now(); // stands still unless moved

  bookA = await createCampaign(server, admin(), 12, { lockTtlSeconds: 60 });
  bookB = await createCampaign(server, admin(), 5);
  // Newest first is by insertion (the upload's order is its own): name the codes oldest first.
  const inserted = async (bookId: string) =>
    (await server.db.prisma.coupon.findMany({ where: { bookId }, orderBy: { id: 'asc' }, select: { code: true } })).map((c) => c.code);
  A = await inserted(bookA.bookId);
  B = await inserted(bookB.bookId);
  const hex = randomBytes(4).toString('hex').toUpperCase();
  underscore = { prefix: `Q${hex}_`, withIt: `Q${hex}_1`, without: `Q${hex}X1` };
  await upload(bookB.bookId, [underscore.withIt, underscore.without]);
  customerId = `search-customer-${hex}`;

  for (const code of [A[0], A[1], A[2], B[0]]) await ok(OPS.assignCode, { code }, alice.token);
  for (const code of [A[3], A[4]]) await ok(OPS.assignCode, { code }, bob.token);
  await ok(OPS.assignCode, { code: A[5], customerId }, admin().token);
  await ok(OPS.lock, { code: A[4] }, bob.token);
  redemption.r1 = await redeem(B[0], alice.token);

  server.clock.advance({ minutes: 5 });
  midway = server.clock.now();
  server.clock.advance({ minutes: 5 });
  for (const code of [A[6], B[1]]) await ok(OPS.assignCode, { code }, alice.token);
  await ok(OPS.lock, { code: A[1] }, alice.token);
  redemption.r2 = await redeem(B[1], alice.token);
  server.clock.advance({ seconds: 1 });
  await ok(OPS.assignCode, { code: A[7] }, bob.token);
  redemption.r3 = await redeem(A[7], bob.token);
  await ok(OPS.reverse, { id: redemption.r3, reason: 'refunded' });
  await ok('mutation ($c: String!) { voidCoupon(code: $c, reason: "misprinted") { state } }', { c: A[8] });
});

describe('coupons: each filter alone', () => {
  it('bookId: every code of the book, newest first', async () => {
    expect(await codes({ bookId: bookA.bookId })).toEqual([...A].reverse());
    const inB = await codes({ bookId: bookB.bookId });
    expect(inB.slice(2)).toEqual([...B].reverse());
    expect(new Set(inB.slice(0, 2))).toEqual(new Set([underscore.withIt, underscore.without])); // the later upload
  });

  it('state: the effective state, an expired lock counted as ASSIGNED', async () => {
    expect(await codes({ state: 'LOCKED' })).toEqual([A[1]]);
    expect(await codes({ state: 'ASSIGNED' })).toEqual([A[7], A[6], A[5], A[4], A[3], A[2], A[0]]);
    expect(await codes({ state: 'REDEEMED' })).toEqual([B[1], B[0]]);
    expect(await codes({ state: 'VOID' })).toEqual([A[8]]);
    const states = await ok<Page<{ code: string; state: string }>>(COUPONS, { state: 'ASSIGNED', first: 100 });
    expect(new Set(states.edges.map((e) => e.node.state))).toEqual(new Set(['ASSIGNED']));
  });

  it('userId, email (any case) and customerId: the holder', async () => {
    const alices = [B[1], B[0], A[6], A[2], A[1], A[0]];
    expect(await codes({ userId: t.alice.id })).toEqual(alices);
    expect(await codes({ email: `  ${t.alice.email.toUpperCase()} ` })).toEqual(alices);
    expect(await codes({ customerId })).toEqual([A[5]]);
    expect(await codes({ email: `nobody-${randomBytes(3).toString('hex')}@example.test` })).toEqual([]);
    expect(await codes({ customerId: 'a customer never acted for' })).toEqual([]);
  });

  it('codePrefix: codes starting with it, normalised as codes are; "_" is a character, not a wildcard', async () => {
    const prefix = A[0].slice(0, A[0].lastIndexOf('-') + 1); // R<hex>-, then 0..11
    const startingWith1 = [...A].reverse().filter((code) => code.startsWith(`${prefix}1`));
    expect(startingWith1).toHaveLength(3); // -1, -10, -11
    expect(await codes({ codePrefix: `${prefix}1`.toLowerCase() })).toEqual(startingWith1);
    expect(await codes({ codePrefix: ` ${prefix} ` })).toEqual([...A].reverse());
    expect(await codes({ codePrefix: underscore.prefix })).toEqual([underscore.withIt]);
    expect(await codes({ codePrefix: A[3] })).toEqual([A[3]]);
  });

  it('assignedAfter (inclusive) and assignedBefore (exclusive): the time of the assignment', async () => {
    const late = [B[1], A[7], A[6]];
    const early = [B[0], A[5], A[4], A[3], A[2], A[1], A[0]];
    expect(await codes({ assignedAfter: midway.toISOString() })).toEqual(late);
    expect(await codes({ assignedBefore: midway.toISOString() })).toEqual(early);
    expect(await codes({ assignedAfter: T0.toISOString(), assignedBefore: new Date(T0.getTime() + 1).toISOString() })).toEqual(early);
    expect(await codes({ assignedBefore: T0.toISOString() })).toEqual([]);
  });
});

describe('coupons: filters combined', () => {
  it('book, holder and state', async () => {
    expect(await codes({ bookId: bookA.bookId, userId: t.alice.id, state: 'ASSIGNED' })).toEqual([A[6], A[2], A[0]]);
    expect(await codes({ bookId: bookB.bookId, email: t.alice.email, state: 'REDEEMED' })).toEqual([B[1], B[0]]);
    expect(await codes({ bookId: bookB.bookId, userId: t.bob.id })).toEqual([]);
  });

  it('holder, state and assignment time; prefix and state; prefix in another book', async () => {
    expect(await codes({ email: t.bob.email, state: 'ASSIGNED', assignedAfter: midway.toISOString() })).toEqual([A[7]]);
    const prefix = A[0].slice(0, A[0].lastIndexOf('-') + 1);
    expect(await codes({ codePrefix: prefix, state: 'UNASSIGNED' })).toEqual([A[11], A[10], A[9]]);
    expect(await codes({ codePrefix: prefix, bookId: bookB.bookId })).toEqual([]);
    expect(await codes({ userId: t.alice.id, customerId })).toEqual([]);
  });

  it('pages follow their cursor to the same list, for every kind of filter', async () => {
    const prefix = A[0].slice(0, A[0].lastIndexOf('-') + 1);
    for (const filter of [
      {},
      { bookId: bookA.bookId },
      { bookId: bookA.bookId, state: 'ASSIGNED' },
      { state: 'ASSIGNED' },
      { userId: t.alice.id },
      { codePrefix: prefix },
      { assignedBefore: midway.toISOString() },
    ]) {
      const paged = await allPages<{ code: string }>(COUPONS, filter, 2);
      expect(paged.map((n) => n.code), JSON.stringify(filter)).toEqual(await codes(filter));
    }
  });

  it('a cursor of another list is BAD_USER_INPUT, never another page', async () => {
    const inBook = await ok<Page<{ code: string }>>(COUPONS, { bookId: bookA.bookId, first: 2 });
    const everywhere = await ok<Page<{ code: string }>>(COUPONS, { first: 2 });
    expect(await asAdmin(COUPONS, { after: inBook.pageInfo.endCursor })).toMatchObject({ ok: false, code: 'BAD_USER_INPUT' });
    expect(await asAdmin(COUPONS, { bookId: bookA.bookId, after: everywhere.pageInfo.endCursor })).toMatchObject({ ok: false, code: 'BAD_USER_INPUT' });
  });

  it('without totalCount (not counted) or with it inside a fragment (counted)', async () => {
    const lean = await ok<{ edges: unknown[] }>('{ coupons(first: 3) { edges { node { code } } } }', {});
    expect(lean.edges).toHaveLength(3);
    const withFragment = await ok<{ totalCount: number }>(
      'query ($b: ID) { coupons(bookId: $b) { ...Total } } fragment Total on CouponConnection { totalCount }',
      { b: bookA.bookId },
    );
    expect(withFragment.totalCount).toBe(12);
  });
});

describe('coupons: who may search', () => {
  it('a USER is FORBIDDEN, whatever the filters (their own included)', async () => {
    for (const variables of [{}, { userId: t.alice.id }, { email: t.alice.email }]) {
      expect(await call(t.server, COUPONS, variables, t.alice.token)).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    }
    expect(await call(t.server, COUPONS, {}, null)).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' });
  });
});

describe('bad input is a contract error, never INTERNAL_SERVER_ERROR', () => {
  const refused: Array<[string, Vars, string]> = [
    ['empty codePrefix', { codePrefix: '' }, 'BAD_USER_INPUT'],
    ['blank codePrefix', { codePrefix: '   ' }, 'BAD_USER_INPUT'],
    ['codePrefix of 65 characters', { codePrefix: 'A'.repeat(65) }, 'BAD_USER_INPUT'],
    ['codePrefix with a LIKE wildcard', { codePrefix: 'AB%' }, 'BAD_USER_INPUT'],
    ['a malformed date', { assignedAfter: 'yesterday' }, 'BAD_USER_INPUT'],
    ['a date without offset', { assignedBefore: '2030-03-01T09:00' }, 'BAD_USER_INPUT'],
    ['an inverted window', { assignedAfter: '2030-03-02T00:00:00Z', assignedBefore: '2030-03-01T00:00:00Z' }, 'BAD_USER_INPUT'],
    ['first: 0', { first: 0 }, 'BAD_USER_INPUT'],
    ['first: 101', { first: 101 }, 'BAD_USER_INPUT'],
    ['first: -1', { first: -1 }, 'BAD_USER_INPUT'],
    ['a bookId that is not a UUID', { bookId: 'book-1' }, 'BAD_USER_INPUT'],
    ['a userId that is not a UUID', { userId: "1' OR '1'='1" }, 'BAD_USER_INPUT'],
    ['a malformed email', { email: 'not an email' }, 'BAD_USER_INPUT'],
    ['an empty customerId', { customerId: '' }, 'BAD_USER_INPUT'],
    ['an unknown state', { state: 'EXPIRED' }, 'BAD_USER_INPUT'],
    ['a cursor that is not one', { after: 'garbage' }, 'BAD_USER_INPUT'],
  ];
  it.each(refused)('coupons: %s', async (_name, variables, code) => {
    const outcome = await asAdmin(COUPONS, variables);
    expect(outcome).toMatchObject({ ok: false, code });
  });

  it.each([
    ['code and codePrefix together', { code: 'ABC', codePrefix: 'AB' }],
    ['an overlong codePrefix', { codePrefix: 'A'.repeat(65) }],
    ['a code with a space inside', { code: 'AB C' }],
    ['a malformed date', { redeemedBefore: 'soon' }],
    ['an inverted window', { redeemedAfter: '2030-03-02T00:00:00Z', redeemedBefore: '2030-03-02T00:00:00Z' }],
    ['first: 1000', { first: 1000 }],
    ['a malformed email', { email: '@' }],
  ])('redemptions: %s', async (_name, variables) => {
    for (const token of [admin().token, t.alice.token]) {
      const outcome = await call(t.server, REDEMPTIONS, variables, token);
      expect(outcome).toMatchObject({ ok: false, code: 'BAD_USER_INPUT' });
      expect(CONTRACT_CODES).toContain(outcome.ok ? '' : outcome.code);
    }
  });
});

describe('redemptions: the new filters', () => {
  const ids = async (variables: Vars, token = admin().token) =>
    (await ok<Page<{ id: string }>>(REDEMPTIONS, { first: 100, ...variables }, token)).edges.map((e) => e.node.id);

  it('each alone, newest first', async () => {
    const { r1, r2, r3 } = redemption;
    expect(await ids({})).toEqual([r3, r2, r1]);
    expect(await ids({ userId: t.alice.id })).toEqual([r2, r1]);
    expect(await ids({ email: t.bob.email.toUpperCase() })).toEqual([r3]);
    expect(await ids({ customerId })).toEqual([]);
    expect(await ids({ code: B[0].toLowerCase() })).toEqual([r1]);
    expect(await ids({ codePrefix: A[0].slice(0, A[0].lastIndexOf('-') + 1) })).toEqual([r3]);
    expect(await ids({ reversed: true })).toEqual([r3]);
    expect(await ids({ reversed: false })).toEqual([r2, r1]);
    expect(await ids({ redeemedAfter: midway.toISOString() })).toEqual([r3, r2]);
    expect(await ids({ redeemedBefore: midway.toISOString() })).toEqual([r1]);
  });

  it('combined, with bookId and orderId as before', async () => {
    const { r1, r2 } = redemption;
    expect(await ids({ bookId: bookB.bookId, reversed: false, email: t.alice.email })).toEqual([r2, r1]);
    expect(await ids({ bookId: bookA.bookId, reversed: false })).toEqual([]);
    expect(await ids({ userId: t.alice.id, redeemedAfter: midway.toISOString(), codePrefix: B[1] })).toEqual([r2]);
    expect(await ids({ orderId: 'no-such-order', userId: t.alice.id })).toEqual([]);
  });

  it('pages follow their cursor across filters', async () => {
    const { r1, r2, r3 } = redemption;
    expect((await allPages<{ id: string }>(REDEMPTIONS, {}, 1)).map((n) => n.id)).toEqual([r3, r2, r1]);
    expect((await allPages<{ id: string }>(REDEMPTIONS, { reversed: false }, 1)).map((n) => n.id)).toEqual([r2, r1]);
    expect((await allPages<{ id: string }>(REDEMPTIONS, { userId: t.alice.id }, 1, t.alice.token)).map((n) => n.id)).toEqual([r2, r1]);
  });

  it('a USER still sees only their own, whatever the filters name', async () => {
    const { r1, r2, r3 } = redemption;
    expect(await ids({}, t.alice.token)).toEqual([r2, r1]);
    expect(await ids({ userId: t.bob.id }, t.alice.token)).toEqual([]);
    expect(await ids({ email: t.bob.email }, t.alice.token)).toEqual([]);
    expect(await ids({ reversed: true }, t.alice.token)).toEqual([]);
    expect(await ids({ reversed: true }, t.bob.token)).toEqual([r3]);
    expect(await ids({ code: A[7] }, t.alice.token)).toEqual([]);
  });
});

describe('Book.coupons', () => {
  it('filters by every state, VOID included, on the same rule as the root search', async () => {
    const query = 'query ($id: ID!, $s: CouponState) { book(id: $id) { coupons(state: $s, first: 100) { totalCount edges { node { code } } } } }';
    for (const state of ['VOID', 'LOCKED', 'ASSIGNED', 'UNASSIGNED']) {
      const book = await ok<{ coupons: Page<{ code: string }> }>(query, { id: bookA.bookId, s: state });
      expect(book.coupons.edges.map((e) => e.node.code), state).toEqual(await codes({ bookId: bookA.bookId, state }));
    }
  });
});
