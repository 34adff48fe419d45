import { describe, expect, it } from 'vitest';
import { call, createCampaign, graphqlRequest, OPS, useApiTest } from '../../testing/index.ts';

// A key named "__proto__" is an ordinary JSON key, but JavaScript that copies an object by
// assignment sets the copy's prototype with it instead: book metadata (written through Prisma's
// JSON writer) lost the key and answered success, while a code's notes and a redemption's
// metadata (raw SQL) kept it. Every metadata now refuses it the same way, at any depth.

const t = useApiTest({ users: ['shopper'] });
const TOP = JSON.parse('{"__proto__": {"x": 1}, "keep": 2}');
const INSIDE = JSON.parse('{"note": {"__proto__": {"x": 1}}}');

function refusedOnMetadata(answer: { errors?: Array<{ message: string; extensions?: Record<string, unknown> }> }): void {
  expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'metadata' });
  expect(answer.errors?.[0]?.message).toContain('__proto__');
}

describe('metadata with a "__proto__" key is refused, never stored without it', () => {
  for (const [where, metadata] of [
    ['at the top', TOP],
    ['inside', INSIDE],
  ] as const) {
    it(`createBook and updateBook (${where})`, async () => {
      const created = await graphqlRequest(
        t.server,
        'mutation ($input: CreateBookInput!) { createBook(input: $input) { id } }',
        { input: { name: 'Proto', discountType: 'PERCENTAGE', discountValue: 10, metadata } },
        t.admin.token,
      );
      refusedOnMetadata(created);
      const book = await createCampaign(t.server, t.admin, 1);
      const updated = await graphqlRequest(
        t.server,
        'mutation ($id: ID!, $input: UpdateBookInput!) { updateBook(id: $id, input: $input) { metadata } }',
        { id: book.bookId, input: { metadata } },
        t.admin.token,
      );
      refusedOnMetadata(updated);
      const read = await graphqlRequest<{ book: { metadata: unknown } }>(t.server, 'query ($id: ID!) { book(id: $id) { metadata } }', { id: book.bookId }, t.admin.token);
      expect(read.data?.book.metadata).toEqual({});
    });

    it(`updateCoupon and redeemCoupon (${where})`, async () => {
      const book = await createCampaign(t.server, t.admin, 1);
      const [code] = book.codes;
      refusedOnMetadata(
        await graphqlRequest(
          t.server,
          'mutation ($code: String!, $input: UpdateCouponInput!) { updateCoupon(code: $code, input: $input) { code } }',
          { code, input: { metadata } },
          t.admin.token,
        ),
      );
      expect(await call(t.server, OPS.assignCode, { code }, t.shopper.token)).toMatchObject({ ok: true });
      expect(await call(t.server, OPS.lock, { code }, t.shopper.token)).toMatchObject({ ok: true });
      refusedOnMetadata(
        await graphqlRequest(t.server, 'mutation ($code: String!, $m: JSON) { redeemCoupon(code: $code, metadata: $m) { id } }', { code, m: metadata }, t.shopper.token),
      );
    });
  }
});
