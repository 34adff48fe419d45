import { describe, expect, it } from 'vitest';
import { call, createCampaign, graphqlRequest, OPS, useApiTest } from '../../testing/index.ts';

// Metadata that cannot be stored as given is refused the same way on every metadata (a book's,
// a code's notes, a redemption's), at any depth, naming `metadata`:
// - a key named "__proto__" is an ordinary JSON key, but JavaScript that copies an object by
//   assignment sets the copy's prototype with it instead: book metadata (written through Prisma's
//   JSON writer) lost the key and answered success, while the others (raw SQL) kept it;
// - a lone surrogate in a key or a string is not a character: PostgreSQL refused the statement
//   and the answer was "A value is malformed", naming no field;
// - a NUL in a key (jsonb cannot store U+0000).

const t = useApiTest({ users: ['shopper'] });
const REFUSED: Array<[string, unknown, string]> = [
  ['a "__proto__" key at the top', JSON.parse('{"__proto__": {"x": 1}, "keep": 2}'), '__proto__'],
  ['a "__proto__" key inside', JSON.parse('{"note": {"__proto__": {"x": 1}}}'), '__proto__'],
  ['a lone surrogate in a string inside', JSON.parse('{"note": ["ok", "a\\ud800b"]}'), 'lone surrogate'],
  ['a lone surrogate in a key', JSON.parse('{"\\udfff": 1}'), 'lone surrogate'],
  ['a NUL in a key', JSON.parse('{"a\\u0000b": 1}'), 'NUL'],
];

function refusedOnMetadata(answer: { errors?: Array<{ message: string; extensions?: Record<string, unknown> }> }, why: string): void {
  expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'metadata' });
  expect(answer.errors?.[0]?.message).toContain(why);
}

describe('metadata that cannot be stored as given is refused naming metadata, never stored otherwise', () => {
  for (const [where, metadata, why] of REFUSED) {
    it(`createBook and updateBook (${where})`, async () => {
      const created = await graphqlRequest(
        t.server,
        'mutation ($input: CreateBookInput!) { createBook(input: $input) { id } }',
        { input: { name: 'Proto', discountType: 'PERCENTAGE', discountValue: 10, metadata } },
        t.admin.token,
      );
      refusedOnMetadata(created, why);
      const book = await createCampaign(t.server, t.admin, 1);
      const updated = await graphqlRequest(
        t.server,
        'mutation ($id: ID!, $input: UpdateBookInput!) { updateBook(id: $id, input: $input) { metadata } }',
        { id: book.bookId, input: { metadata } },
        t.admin.token,
      );
      refusedOnMetadata(updated, why);
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
        why,
      );
      expect(await call(t.server, OPS.assignCode, { code }, t.shopper.token)).toMatchObject({ ok: true });
      expect(await call(t.server, OPS.lock, { code }, t.shopper.token)).toMatchObject({ ok: true });
      refusedOnMetadata(
        await graphqlRequest(t.server, 'mutation ($code: String!, $m: JSON) { redeemCoupon(code: $code, metadata: $m) { id } }', { code, m: metadata }, t.shopper.token),
        why,
      );
    });
  }
});
