import { describe, expect, it } from 'vitest';
import { call, createCampaign, graphqlRequest, OPS, postJson, useApiTest } from '../../testing/index.ts';

// Metadata at the edges of JSON (huge and tiny numbers, -0, lone surrogates, U+2028, odd keys, wide,
// deep) on books, codes and redemptions: refused up front, or read back equal through every read
// path, never an error on a later read.
const t = useApiTest({ users: ['shopper'] });

const canonical = (v: unknown): unknown =>
  v && typeof v === 'object' && !Array.isArray(v)
    ? Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])])
    : Array.isArray(v) ? v.map(canonical) : Object.is(v, -0) ? 0 : v; // JSON has no -0
const codeOf = (r: { errors?: Array<{ extensions?: Record<string, unknown> }> }) => (r.errors?.[0]?.extensions?.code as string) ?? 'ok';

const EDGE_METADATA: Array<[string, unknown]> = [
  ['huge number 1e308', { n: 1e308 }],
  ['negative huge', { n: -1.7976931348623157e308 }],
  ['tiny 5e-324', { n: 5e-324 }],
  ['-0', { n: -0 }],
  ['beyond 2^53', { n: 2 ** 53 + 2 }],
  ['lone surrogate value', { s: '\uD800' }],
  ['lone surrogate key', { '\uDC00': 1 }],
  ['U+2028/2029', { s: 'a\u2028b\u2029c' }],
  ['__proto__ key', JSON.parse('{"__proto__": {"x": 1}, "constructor": "c", "": "empty", "ключ": "юникод", "😀": 1}')],
  ['wide', Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`k${i}`, i]))],
  ['deep 31', JSON.parse(`${'{"a":'.repeat(31)}1${'}'.repeat(31)}`)],
  ['many 1e308', { a: Array.from({ length: 1500 }, () => 1e308) }],
];

const BOOK_READ = `query ($id: ID!) { book(id: $id) { id name description metadata } }`;
const BOOKS = `query { books(first: 100) { edges { node { id metadata } } } }`;
const AUDIT = `query ($t: String) { auditLog(first: 20, filter: { targetId: $t }) { edges { node { action changes } } } }`;

describe('book metadata edge values: stored, then every read answers and equals', () => {
  for (const [label, metadata] of EDGE_METADATA) {
    it(`createBook/updateBook metadata ${label}`, async () => {
      const created = await graphqlRequest(
        t.server,
        `mutation ($input: CreateBookInput!) { createBook(input: $input) { id metadata } }`,
        { input: { name: `M ${label}`, discountType: 'PERCENTAGE', discountValue: 10, metadata } },
        t.admin.token,
      );
      if (created.errors) {
        expect(codeOf(created), JSON.stringify(created.errors)).toBe('BAD_USER_INPUT');
      } else {
        const id = created.data!.createBook.id;
        const read = await graphqlRequest(t.server, BOOK_READ, { id }, t.admin.token);
        expect(read.errors, JSON.stringify(read.errors)).toBeUndefined();
        expect(canonical(read.data!.book.metadata)).toEqual(canonical(metadata));
        const list = await graphqlRequest(t.server, BOOKS, {}, t.admin.token);
        expect(list.errors, JSON.stringify(list.errors)).toBeUndefined();
        const audit = await graphqlRequest(t.server, AUDIT, { t: id }, t.admin.token);
        expect(audit.errors, JSON.stringify(audit.errors)).toBeUndefined();
      }
      // update
      const book = await createCampaign(t.server, t.admin, 1);
      const updated = await graphqlRequest(
        t.server,
        `mutation ($id: ID!, $input: UpdateBookInput!) { updateBook(id: $id, input: $input) { id metadata } }`,
        { id: book.bookId, input: { metadata } },
        t.admin.token,
      );
      if (updated.errors) {
        expect(codeOf(updated), JSON.stringify(updated.errors)).toBe('BAD_USER_INPUT');
        return;
      }
      const read = await graphqlRequest(t.server, BOOK_READ, { id: book.bookId }, t.admin.token);
      expect(read.errors, JSON.stringify(read.errors)).toBeUndefined();
      expect(canonical(read.data!.book.metadata)).toEqual(canonical(metadata));
      const audit = await graphqlRequest(t.server, AUDIT, { t: book.bookId }, t.admin.token);
      expect(audit.errors, JSON.stringify(audit.errors)).toBeUndefined();
      const entry = audit.data!.auditLog.edges.find((e: { node: { action: string } }) => e.node.action !== 'BOOK_CREATED');
      expect(JSON.stringify(entry?.node.changes?.metadata?.to ?? entry?.node.changes), 'audit').toContain(JSON.stringify(metadata).slice(1, 20));
    });
  }
});

describe('coupon metadata edge values (updateCoupon)', () => {
  for (const [label, metadata] of EDGE_METADATA) {
    it(`updateCoupon metadata ${label}`, async () => {
      const book = await createCampaign(t.server, t.admin, 1);
      const code = book.codes[0];
      const updated = await graphqlRequest(
        t.server,
        `mutation ($code: String!, $input: UpdateCouponInput!) { updateCoupon(code: $code, input: $input) { code metadata } }`,
        { code, input: { metadata } },
        t.admin.token,
      );
      if (updated.errors) {
        expect(codeOf(updated), JSON.stringify(updated.errors)).toBe('BAD_USER_INPUT');
        return;
      }
      for (const [q, v] of [
        [`query ($code: String!) { coupon(code: $code) { metadata events(first: 10) { edges { node { type reason } } } } }`, { code }],
        [`query ($id: ID!) { coupons(bookId: $id, first: 10) { edges { node { metadata } } } }`, { id: book.bookId }],
        [`query ($id: ID!) { book(id: $id) { coupons(first: 10) { edges { node { metadata } } } } }`, { id: book.bookId }],
        [AUDIT, { t: code }],
      ] as const) {
        const r = await graphqlRequest(t.server, q, v, t.admin.token);
        expect(r.errors, `${q}: ${JSON.stringify(r.errors)}`).toBeUndefined();
      }
      const one = await graphqlRequest(t.server, `query ($code: String!) { coupon(code: $code) { metadata } }`, { code }, t.admin.token);
      expect(canonical(one.data!.coupon.metadata)).toEqual(canonical(metadata));
    });
  }
});

describe('redemption metadata edge values', () => {
  for (const [label, metadata] of EDGE_METADATA) {
    it(`redeemCoupon metadata ${label}`, async () => {
      const book = await createCampaign(t.server, t.admin, 1);
      const code = book.codes[0];
      expect((await call(t.server, OPS.assignCode, { code }, t.shopper.token)).ok).toBe(true);
      expect((await call(t.server, OPS.lock, { code }, t.shopper.token)).ok).toBe(true);
      const redeemed = await graphqlRequest(t.server, OPS.redeem, { code, metadata }, t.shopper.token);
      if (redeemed.errors) {
        expect(codeOf(redeemed), JSON.stringify(redeemed.errors)).toBe('BAD_USER_INPUT');
        return;
      }
      const id = redeemed.data!.redeemCoupon.id;
      for (const token of [t.admin.token, t.shopper.token]) {
        const r = await graphqlRequest(t.server, `query ($b: ID!) { redemptions(bookId: $b, first: 10) { edges { node { id metadata } } } }`, { b: book.bookId }, token);
        expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
        expect(canonical(r.data!.redemptions.edges[0].node.metadata)).toEqual(canonical(metadata));
      }
      const ev = await graphqlRequest(t.server, `query ($code: String!) { coupon(code: $code) { events(first: 10) { edges { node { type redemption { metadata } } } } } }`, { code }, t.admin.token);
      expect(ev.errors, JSON.stringify(ev.errors)).toBeUndefined();
      const csv = await fetch(`${t.server.baseUrl}/export/books/${book.bookId}/redemptions.csv`, { headers: { authorization: `Bearer ${t.admin.token}` } });
      const text = await csv.text();
      expect(csv.status, text).toBe(200);
      const reversed = await graphqlRequest(t.server, OPS.reverse, { id, reason: 'edge' }, t.admin.token);
      expect(reversed.errors, JSON.stringify(reversed.errors)).toBeUndefined();
    });
  }
});

// JSON has no limit on a number's size, JavaScript's does: 1e400 parses as Infinity, which every
// JSON writer after it (Prisma's, the SQL parameters', the audit's) writes as null. The mutation
// answered success and the number was stored, and read back everywhere, as null. Refused instead.
describe('a metadata number past the range of a double (1e400) is refused, never stored as null', () => {
  const raw = async (query: string, variables: string, token: string) => {
    const res = await postJson(t.server.url, `{"query": ${JSON.stringify(query)}, "variables": ${variables}}`, { authorization: `Bearer ${token}` });
    return JSON.parse(res.text) as { data?: any; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
  };
  const refusedOnMetadata = (answer: { errors?: Array<{ extensions?: Record<string, unknown> }> }) =>
    expect(answer.errors?.[0]?.extensions, JSON.stringify(answer)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'metadata' });

  for (const metadata of ['{"n": 1e400}', '{"deep": {"list": [1, -1e400]}}']) {
    it(`${metadata}: createBook, updateBook, updateCoupon, redeemCoupon`, async () => {
      refusedOnMetadata(await raw('mutation ($input: CreateBookInput!) { createBook(input: $input) { id metadata } }', `{"input": {"name": "Huge", "discountType": "PERCENTAGE", "discountValue": 10, "metadata": ${metadata}}}`, t.admin.token));
      const book = await createCampaign(t.server, t.admin, 1);
      const [code] = book.codes;
      refusedOnMetadata(await raw('mutation ($id: ID!, $input: UpdateBookInput!) { updateBook(id: $id, input: $input) { metadata } }', `{"id": "${book.bookId}", "input": {"metadata": ${metadata}}}`, t.admin.token));
      refusedOnMetadata(await raw('mutation ($code: String!, $input: UpdateCouponInput!) { updateCoupon(code: $code, input: $input) { metadata } }', `{"code": "${code}", "input": {"metadata": ${metadata}}}`, t.admin.token));
      expect((await call(t.server, OPS.assignCode, { code }, t.shopper.token)).ok).toBe(true);
      expect((await call(t.server, OPS.lock, { code }, t.shopper.token)).ok).toBe(true);
      refusedOnMetadata(await raw('mutation ($code: String!, $m: JSON) { redeemCoupon(code: $code, metadata: $m) { id metadata } }', `{"code": "${code}", "m": ${metadata}}`, t.shopper.token));
      const read = await graphqlRequest(t.server, 'query ($id: ID!, $code: String!) { book(id: $id) { metadata } coupon(code: $code) { state metadata } }', { id: book.bookId, code }, t.admin.token);
      expect(read.data).toEqual({ book: { metadata: {} }, coupon: { state: 'LOCKED', metadata: null } });
    });
  }
});
