import { Prisma } from '@coupons/db';
import { describe, expect, it } from 'vitest';
import { errorCode, graphqlRequest, useApiTest } from '../../testing/index.ts';

const t = useApiTest();

const BOOK_FIELDS = `id name description discountType discountValue validFrom validUntil maxAssignmentsPerUser
  allowMultipleRedemptions maxRedemptionsPerUser lockTtlSeconds currency minOrderAmount metadata createdAt updatedAt isActive
  counts { unassigned assigned locked redeemed total }`;

const CREATE = `mutation Create($input: CreateBookInput!) { createBook(input: $input) { ${BOOK_FIELDS} } }`;

const createBook = async (input: Record<string, unknown>, token = t.admin.token) =>
  graphqlRequest<{ createBook: Record<string, any> }>(t.server, CREATE, { input }, token);

describe('books over HTTP', () => {
  it('createBook (ADMIN) → book(id) and books(search) for any signed-in user', async () => {
    const created = await createBook({
      name: 'Winter Deals',
      discountType: 'FIXED_AMOUNT',
      discountValue: 12.5,
      currency: 'eur',
      minOrderAmount: '50',
      maxAssignmentsPerUser: 2,
      metadata: { campaign: 'w26', tags: ['a'] },
    });
    expect(created.errors).toBeUndefined();
    const book = created.data!.createBook;
    expect(book).toMatchObject({
      name: 'Winter Deals',
      discountType: 'FIXED_AMOUNT',
      discountValue: 12.5,
      currency: 'EUR',
      minOrderAmount: '50.00',
      maxAssignmentsPerUser: 2,
      lockTtlSeconds: 300,
      allowMultipleRedemptions: false,
      metadata: { campaign: 'w26', tags: ['a'] },
      isActive: true,
      counts: { unassigned: 0, assigned: 0, locked: 0, redeemed: 0, total: 0 },
    });
    const read = await graphqlRequest(t.server, `query($id: ID!) { book(id: $id) { id name } }`, { id: book.id }, t.user.token);
    expect(read.data!.book).toEqual({ id: book.id, name: 'Winter Deals' });
    const list = await graphqlRequest(
      t.server,
      `{ books(first: 5, search: "winter deals") { totalCount edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }`,
      {},
      t.user.token,
    );
    expect(list.data!.books).toMatchObject({ totalCount: 1, edges: [{ node: { id: book.id } }], pageInfo: { hasNextPage: false } });
  });

  it('updateBook changes only the given fields; isActive follows the window and the server clock', async () => {
    const book = (await createBook({ name: 'Later', discountType: 'PERCENTAGE', discountValue: 10 })).data!.createBook;
    const future = new Date(t.server.clock.now().getTime() + 86_400_000).toISOString();
    const updated = await graphqlRequest(
      t.server,
      `mutation($id: ID!, $input: UpdateBookInput!) { updateBook(id: $id, input: $input) { name validFrom isActive discountValue } }`,
      { id: book.id, input: { validFrom: future } },
      t.admin.token,
    );
    expect(updated.data!.updateBook).toEqual({ name: 'Later', validFrom: future, isActive: false, discountValue: 10 });
  });

  it('errors: BAD_USER_INPUT naming the field, FORBIDDEN for USER, NOT_FOUND, UNAUTHENTICATED', async () => {
    const bad = await createBook({ name: 'Too much', discountType: 'PERCENTAGE', discountValue: 150 });
    expect(errorCode(bad)).toBe('BAD_USER_INPUT');
    expect(bad.errors![0].message).toContain('discountValue');
    expect(bad.errors![0].extensions).toMatchObject({ field: 'discountValue' });
    const window = await createBook({
      name: 'W',
      discountType: 'PERCENTAGE',
      discountValue: 1,
      validFrom: '2030-01-02T00:00:00Z',
      validUntil: '2030-01-01T00:00:00Z',
    });
    expect(window.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'validUntil' });
    expect(errorCode(await createBook({ name: 'x', discountType: 'PERCENTAGE', discountValue: 1 }, t.user.token))).toBe('FORBIDDEN');
    const noCurrency = await createBook({ name: 'Five off', discountType: 'FIXED_AMOUNT', discountValue: 5 });
    expect(noCurrency.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'currency' });
    expect(noCurrency.errors![0].message).toContain('required for a FIXED_AMOUNT discount');
    // Money is a string: a JSON number, an exponent or a negative amount is refused while parsing.
    for (const minOrderAmount of [10.5, '1e3', '-1', '1.00001', '123456789012345']) {
      const bad = await createBook({ name: 'Min', discountType: 'PERCENTAGE', discountValue: 5, currency: 'EUR', minOrderAmount });
      expect(errorCode(bad), String(minOrderAmount)).toBe('BAD_USER_INPUT');
    }
    const missing = await graphqlRequest(
      t.server,
      `mutation { updateBook(id: "00000000-0000-4000-8000-000000000000", input: { name: "x" }) { id } }`,
      {},
      t.admin.token,
    );
    expect(errorCode(missing)).toBe('NOT_FOUND');
    expect(errorCode(await graphqlRequest(t.server, '{ books { totalCount } }'))).toBe('UNAUTHENTICATED');
  });

  it('counts of a page of books cost one statement, whatever the page size (DataLoader)', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push((await createBook({ name: `Counted ${i}`, discountType: 'PERCENTAGE', discountValue: 5 })).data!.createBook.id);
    await t.server.db.prisma.$executeRaw(Prisma.sql`
      INSERT INTO coupon (book_id, code) SELECT ${ids[0]}::uuid, 'CNT-' || g FROM generate_series(1, 7) g`);
    const statements = async (first: number) => {
      const pool = t.server.db.pool;
      const original = pool.query.bind(pool);
      let reads = 0;
      pool.query = ((...args: Parameters<typeof original>) => {
        const text = typeof args[0] === 'string' ? args[0] : ((args[0] as { text?: string })?.text ?? '');
        if (text.includes('book_state_count')) reads++;
        return original(...args);
      }) as typeof pool.query;
      try {
        const res = await graphqlRequest(t.server, `{ books(first: ${first}, search: "Counted") { edges { node { counts { total unassigned } } } } }`, {}, t.admin.token);
        expect(res.errors).toBeUndefined();
        return { reads, totals: res.data!.books.edges.map((e: any) => e.node.counts.total) };
      } finally {
        pool.query = original;
      }
    };
    const small = await statements(2);
    const large = await statements(6);
    expect(small.reads).toBe(1);
    expect(large.reads).toBe(1);
    expect(large.totals.sort()).toEqual([0, 0, 0, 0, 0, 7]);
  });
});
