import { Prisma } from '@coupons/db';
import { describe, expect, it } from 'vitest';
import { contextFor, createTestClock, useServiceTest } from '../../testing/index.ts';
import { loadBookCounts } from './book.counts.ts';
import { createBook, getBook, listBooks, updateBook } from './book.service.ts';

const t = useServiceTest();

const base = { name: 'Summer sale', discountType: 'PERCENTAGE' as const, discountValue: 15 };
const codeOf = (promise: Promise<unknown>) => promise.then(() => 'OK', (e) => e.code as string);

describe('createBook / updateBook', () => {
  it('creates with defaults and reads back', async () => {
    const ctx = contextFor(t.db, t.admin);
    const book = await createBook(ctx, { ...base, metadata: { channel: 'web' } });
    expect(book).toMatchObject({
      name: 'Summer sale',
      discountValue: 15,
      lockTtlSeconds: 300,
      allowMultipleRedemptions: false,
      maxAssignmentsPerUser: null,
      metadata: { channel: 'web' },
    });
    expect(await getBook(contextFor(t.db, t.user), book.id)).toEqual(book);
  });

  it('refuses USER callers with FORBIDDEN', async () => {
    expect(await codeOf(createBook(contextFor(t.db, t.user), base))).toBe('FORBIDDEN');
    const book = await createBook(contextFor(t.db, t.admin), base);
    expect(await codeOf(updateBook(contextFor(t.db, t.user), book.id, { name: 'x' }))).toBe('FORBIDDEN');
  });

  it.each([
    ['name', { name: '' }],
    ['name', { name: 'x'.repeat(201) }],
    ['discountValue', { discountValue: 101 }],
    ['discountValue', { discountValue: 0 }],
    ['discountValue', { discountValue: 1.234 }],
    ['validUntil', { validFrom: new Date('2030-01-02'), validUntil: new Date('2030-01-01') }],
    ['maxAssignmentsPerUser', { maxAssignmentsPerUser: 0 }],
    ['maxRedemptionsPerUser', { maxRedemptionsPerUser: -1 }],
    ['lockTtlSeconds', { lockTtlSeconds: 0 }],
    ['lockTtlSeconds', { lockTtlSeconds: 86_401 }],
    ['metadata', { metadata: { blob: 'x'.repeat(17_000) } }],
    ['metadata', { metadata: [1, 2] }],
    ['currency', { discountType: 'FIXED_AMOUNT' as const, discountValue: 5 }],
    ['currency', { currency: 'EURO' }],
    ['currency', { currency: 'ABC' }],
    ['currency', { minOrderAmount: '10' }],
    ['discountValue', { discountType: 'FIXED_AMOUNT' as const, discountValue: 2.5, currency: 'JPY' }],
    ['minOrderAmount', { currency: 'EUR', minOrderAmount: '10.005' }],
    ['minOrderAmount', { currency: 'EUR', minOrderAmount: '-1' }],
    ['minOrderAmount', { currency: 'EUR', minOrderAmount: '1e3' }],
  ])('rejects a bad %s', async (field, override) => {
    const error = await createBook(contextFor(t.db, t.admin), { ...base, ...override }).catch((e) => e);
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.details.field).toBe(field);
    expect(error.message).toContain(field);
  });

  it('accepts a fixed amount above 100', async () => {
    const book = await createBook(contextFor(t.db, t.admin), { ...base, discountType: 'FIXED_AMOUNT', discountValue: 250.5, currency: 'EUR' });
    expect(book.discountValue).toBe(250.5);
  });

  it('stores the currency upper-cased and the minimum order in its minor units', async () => {
    const ctx = contextFor(t.db, t.admin);
    const book = await createBook(ctx, { ...base, discountType: 'FIXED_AMOUNT', discountValue: 5, currency: 'eur', minOrderAmount: '25.5' });
    expect(book).toMatchObject({ currency: 'EUR', minOrderAmount: '25.50' });
    expect(await getBook(ctx, book.id)).toEqual(book);
    const yen = await updateBook(ctx, book.id, { currency: 'JPY', minOrderAmount: '3000' });
    expect(yen).toMatchObject({ currency: 'JPY', minOrderAmount: '3000' });
    // A currency change is checked against the stored minimum: 25.50 JPY is no amount.
    const cleared = await updateBook(ctx, book.id, { minOrderAmount: null });
    expect(cleared.minOrderAmount).toBeNull();
    expect((await updateBook(ctx, book.id, { currency: null }).catch((e) => e)).details.field).toBe('currency');
    const percent = await createBook(ctx, { ...base, minOrderAmount: '10', currency: 'KWD' });
    expect(percent).toMatchObject({ currency: 'KWD', minOrderAmount: '10.000' });
    expect((await updateBook(ctx, percent.id, { currency: null }).catch((e) => e)).details.field).toBe('currency');
  });

  it('updates partially, clears with null, and validates the merged result', async () => {
    const ctx = contextFor(t.db, t.admin);
    const book = await createBook(ctx, { ...base, maxAssignmentsPerUser: 2, validUntil: new Date('2031-01-01') });
    const updated = await updateBook(ctx, book.id, { description: 'Now with text', maxAssignmentsPerUser: null });
    expect(updated).toMatchObject({ name: 'Summer sale', description: 'Now with text', maxAssignmentsPerUser: null });
    expect(updated.updatedAt.getTime()).toBeGreaterThanOrEqual(book.updatedAt.getTime());
    // validFrom after the stored validUntil: the merged window is checked.
    const error = await updateBook(ctx, book.id, { validFrom: new Date('2032-01-01') }).catch((e) => e);
    expect(error.details.field).toBe('validUntil');
    // Switching to PERCENTAGE with a stored value above 100 is refused.
    const fixed = await createBook(ctx, { ...base, discountType: 'FIXED_AMOUNT', discountValue: 500, currency: 'USD' });
    expect((await updateBook(ctx, fixed.id, { discountType: 'PERCENTAGE' }).catch((e) => e)).details.field).toBe('discountValue');
    expect((await updateBook(ctx, fixed.id, { name: null }).catch((e) => e)).details.field).toBe('name');
  });

  it('NOT_FOUND for an unknown book, BAD_USER_INPUT for a malformed id', async () => {
    const ctx = contextFor(t.db, t.admin);
    expect(await codeOf(updateBook(ctx, '00000000-0000-4000-8000-000000000000', { name: 'x' }))).toBe('NOT_FOUND');
    expect(await getBook(ctx, '00000000-0000-4000-8000-000000000000')).toBeNull();
    expect(await codeOf(getBook(ctx, 'nope'))).toBe('BAD_USER_INPUT');
  });
});

describe('listBooks', () => {
  it('searches case-insensitively, literally, and pages by keyset with totalCount', async () => {
    const ctx = contextFor(t.db, t.admin);
    const tag = `Zeta${Date.now()}`;
    const created = [];
    for (let i = 0; i < 5; i++) created.push(await createBook(ctx, { ...base, name: `${tag} book ${i}` }));
    created.push(await createBook(ctx, { ...base, name: `${tag} 100% off` }));
    // Newest first, ties within one millisecond broken by id: the list's documented order.
    const expected = created
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1))
      .map((b) => b.name);
    const first = await listBooks(ctx, { first: 2, search: tag.toLowerCase() });
    expect(first.totalCount).toBe(6);
    expect(first.items.map((b) => b.name)).toEqual(expected.slice(0, 2));
    expect(first.hasNextPage).toBe(true);
    const rest = await listBooks(ctx, { first: 10, search: tag, after: first.cursors[1] });
    expect(rest.items.map((b) => b.name)).toEqual(expected.slice(2));
    expect(rest.hasNextPage).toBe(false);
    expect((await listBooks(ctx, { search: `${tag} 100%` })).totalCount).toBe(1);
    expect((await listBooks(ctx, { search: `${tag}%` })).totalCount).toBe(0);
    expect((await listBooks(ctx, { search: `${tag}_book` })).totalCount).toBe(0);
    expect(await codeOf(listBooks(ctx, { after: 'garbage' }))).toBe('BAD_USER_INPUT');
    expect(await codeOf(listBooks(ctx, { first: 0 }))).toBe('BAD_USER_INPUT');
    expect(await codeOf(listBooks(contextFor(t.db, null), {}))).toBe('UNAUTHENTICATED');
  });
});

describe('loadBookCounts', () => {
  it('counts per state for many books at once; an expired lock counts as assigned', async () => {
    const clock = createTestClock(new Date('2030-06-01T12:00:00Z'));
    const ctx = contextFor(t.db, t.admin, clock);
    const [a, b, empty] = await Promise.all([createBook(ctx, base), createBook(ctx, base), createBook(ctx, base)]);
    const codes = (book: string, n: number) => Array.from({ length: n }, (_, i) => `C${book.slice(0, 8)}-${i}`.toUpperCase());
    await t.db.prisma.$executeRaw(Prisma.sql`
      INSERT INTO coupon (book_id, code) SELECT ${a.id}::uuid, unnest(${codes(a.id, 10)}::text[])`);
    await t.db.prisma.$executeRaw(Prisma.sql`
      INSERT INTO coupon (book_id, code) SELECT ${b.id}::uuid, unnest(${codes(b.id, 3)}::text[])`);
    // In book a: 2 assigned, 1 locked (live), 1 locked (expired), 1 redeemed.
    const set = (code: string, state: string, lockExpiresAt: Date | null) => t.db.prisma.$executeRaw(Prisma.sql`
      UPDATE coupon SET state = ${state}::"CouponState", assigned_user_id = ${t.user.userId}::uuid,
        locked_by_id = ${lockExpiresAt ? t.user.userId : null}::uuid, lock_expires_at = ${lockExpiresAt}::timestamptz
      WHERE code = ${code}`);
    const c = codes(a.id, 10);
    await set(c[0], 'ASSIGNED', null);
    await set(c[1], 'ASSIGNED', null);
    await set(c[2], 'LOCKED', new Date('2030-06-01T12:05:00Z'));
    await set(c[3], 'LOCKED', new Date('2030-06-01T11:59:00Z'));
    await set(c[4], 'REDEEMED', null);
    const counts = await loadBookCounts(ctx, [a.id, empty.id, b.id]);
    expect(counts).toEqual([
      { unassigned: 5, assigned: 3, locked: 1, redeemed: 1, total: 10 },
      { unassigned: 0, assigned: 0, locked: 0, redeemed: 0, total: 0 },
      { unassigned: 3, assigned: 0, locked: 0, redeemed: 0, total: 3 },
    ]);
  });
});
