import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { createConsoleCache } from './cache';

// parse, not a gql tag: codegen collects tagged documents, and these are only for the test.
const ROW = parse('fragment TestRow on Coupon { id code state updatedAt lockExpiresAt }');
const LIST = parse('query TestList { coupons { id code state updatedAt lockExpiresAt user { id email } } }');
const BARE = parse('fragment TestBare on Coupon { id state }');

const id = 'Coupon:7';
const coupon = (state: string, updatedAt: string, lockExpiresAt: string | null = null) => ({ __typename: 'Coupon', id: '7', code: 'SPRING-7', state, updatedAt, lockExpiresAt });
const shown = (cache: ReturnType<typeof createConsoleCache>) => cache.readFragment<Record<string, unknown>>({ id, fragment: ROW });

describe('the console cache keeps the later copy of a coupon', () => {
  it('a list read before a lock that answers after the lock’s event does not put the coupon back to ASSIGNED', () => {
    const cache = createConsoleCache();
    // The event of the lock (committed at :05) arrives first …
    cache.writeFragment({ id, fragment: ROW, data: coupon('LOCKED', '2026-12-07T10:00:05.000Z', '2026-12-07T10:05:05.000Z') });
    // … then the list, read at :04, before the lock.
    cache.writeQuery({ query: LIST, data: { coupons: [{ ...coupon('ASSIGNED', '2026-12-07T10:00:01.000Z'), user: { __typename: 'User', id: 'u1', email: 'ann@example.com' } }] } });
    expect(shown(cache)).toMatchObject({ state: 'LOCKED', updatedAt: '2026-12-07T10:00:05.000Z', lockExpiresAt: '2026-12-07T10:05:05.000Z' });
    // What only the stale copy had is kept: the holder the row shows.
    expect(cache.readQuery<{ coupons: Array<{ user: { email: string } }> }>({ query: LIST })?.coupons[0]?.user.email).toBe('ann@example.com');
  });

  it('a later copy replaces the one in the cache; the same version read again (a lock since expired) is taken as it comes', () => {
    const cache = createConsoleCache();
    cache.writeFragment({ id, fragment: ROW, data: coupon('ASSIGNED', '2026-12-07T10:00:01.000Z') });
    cache.writeFragment({ id, fragment: ROW, data: coupon('LOCKED', '2026-12-07T10:00:05.000Z', '2026-12-07T10:05:05.000Z') });
    expect(shown(cache)).toMatchObject({ state: 'LOCKED' });
    cache.writeFragment({ id, fragment: ROW, data: coupon('ASSIGNED', '2026-12-07T10:00:05.000Z') });
    expect(shown(cache)).toMatchObject({ state: 'ASSIGNED', lockExpiresAt: null });
  });

  it('a stale copy held by someone else does not lend its holder’s fields to the holder the cache has', () => {
    const cache = createConsoleCache();
    // The event of a claim by u2 (it selects the holder's id only) …
    const event = parse('fragment TestEvent on Coupon { id code state updatedAt lockExpiresAt user { id } }');
    cache.writeFragment({ id, fragment: event, data: { ...coupon('ASSIGNED', '2026-12-07T10:00:05.000Z'), user: { __typename: 'User', id: 'u2' } } });
    // … then a list read while u1 still held it.
    cache.writeQuery({ query: LIST, data: { coupons: [{ ...coupon('ASSIGNED', '2026-12-07T10:00:01.000Z'), user: { __typename: 'User', id: 'u1', email: 'ann@example.com' } }] } });
    expect(cache.readFragment<{ user: { id: string } }>({ id, fragment: event })?.user.id).toBe('u2');
    // u1's email is not u2's.
    const email = parse('fragment TestUser on User { id email }');
    expect(cache.readFragment({ id: 'User:u2', fragment: email, returnPartialData: true })).not.toMatchObject({ email: 'ann@example.com' });
  });

  it('a copy without updatedAt is merged as it comes', () => {
    const cache = createConsoleCache();
    cache.writeFragment({ id, fragment: ROW, data: coupon('LOCKED', '2026-12-07T10:00:05.000Z') });
    cache.writeFragment({ id, fragment: BARE, data: { __typename: 'Coupon', id: '7', state: 'REDEEMED' } });
    expect(shown(cache)).toMatchObject({ state: 'REDEEMED' });
  });
});

describe('the console cache keeps the later copy of a book', () => {
  const STATUS = parse('fragment TestBookStatus on Book { id status updatedAt counts { assigned } }');
  const BOOKS = parse('query TestBooks { books { id name status updatedAt counts { assigned } } }');
  const bookId = 'Book:b1';
  const book = (status: string, updatedAt: string, assigned: number) => ({
    __typename: 'Book',
    id: 'b1',
    name: 'Spring',
    status,
    updatedAt,
    counts: { __typename: 'BookCounts', assigned },
  });

  it('a list read before a pause that answers after it does not show the book ACTIVE again; its counts, which move without updatedAt, are taken as they come', () => {
    const cache = createConsoleCache();
    // The pause's answer (committed at :05) …
    cache.writeFragment({ id: bookId, fragment: STATUS, data: book('PAUSED', '2026-12-07T10:00:05.000Z', 3) });
    // … then the list, read before the pause (but after two more claims).
    cache.writeQuery({ query: BOOKS, data: { books: [book('ACTIVE', '2026-12-07T10:00:01.000Z', 5)] } });
    expect(cache.readFragment({ id: bookId, fragment: STATUS })).toMatchObject({ status: 'PAUSED', updatedAt: '2026-12-07T10:00:05.000Z', counts: { assigned: 5 } });
  });
});

describe('the console cache and JSON values', () => {
  it('a JSON field (metadata: {}, or an object) is a value, not a selection: a stale book is written, the later metadata kept', () => {
    const cache = createConsoleCache();
    const FORM = parse('fragment TestForm on Book { id name updatedAt metadata }');
    const id = 'Book:b2';
    const book = (name: string, updatedAt: string, metadata: unknown) => ({ __typename: 'Book', id: 'b2', name, updatedAt, metadata });
    cache.writeFragment({ id, fragment: FORM, data: book('Later', '2026-12-07T10:00:05.000Z', {}) });
    cache.writeFragment({ id, fragment: FORM, data: book('Earlier', '2026-12-07T10:00:01.000Z', { tier: 'gold' }) });
    expect(cache.readFragment({ id, fragment: FORM })).toMatchObject({ name: 'Later', metadata: {} });
    cache.writeFragment({ id, fragment: FORM, data: book('Latest', '2026-12-07T10:00:09.000Z', { tier: 'silver' }) });
    expect(cache.readFragment({ id, fragment: FORM })).toMatchObject({ name: 'Latest', metadata: { tier: 'silver' } });
  });
});
