import { MAX_PINNED_BOOKS } from '@coupons/core';
import { describe, expect, it } from 'vitest';
import { call, checkoutAs, createCampaign, createUsers, useApiTest } from '../../testing/index.ts';

// What the console's Live page reads, over HTTP on a real database: busiestBooks counts each
// book's coupon events in the window (the server's clock) and ranks them, leaving quiet books
// out; pins are saved per admin, in pin order, bounded, idempotent, gone with their book, and
// racing pins of one admin never pass the bound and answer as if made one after the other.

const t = useApiTest({ users: ['alice', 'bob'], accounts: 'inserted' });

const BUSIEST = 'query ($window: Int, $first: Int) { busiestBooks(window: $window, first: $first) { events book { id name } } }';
const PINNED = '{ pinnedBooks { id name } }';
const PIN = 'mutation ($id: ID!) { pinBook(bookId: $id) { id } }';
const UNPIN = 'mutation ($id: ID!) { unpinBook(bookId: $id) { id } }';

type Activity = Array<{ events: number; book: { id: string } }>;

async function busiest(variables: { window?: number; first?: number } = {}) {
  const answer = await call<Activity>(t.server, BUSIEST, variables, t.admin.token);
  if (!answer.ok) throw new Error(`busiestBooks: ${answer.code} ${answer.message}`);
  return answer.data.map((row) => [row.book.id, row.events] as const);
}

const ids = (answer: Awaited<ReturnType<typeof call<Array<{ id: string }>>>>) => (answer.ok ? answer.data.map((b) => b.id) : answer.code);

describe('busiestBooks', () => {
  it('ranks books by their coupon events in the window, most first, the latest first on a tie, quiet ones left out', async () => {
    const [hot, warm, early, late, old] = await Promise.all([1, 2, 3, 4, 5].map(() => createCampaign(t.server, t.admin, 6)));
    // The uploads' CREATED_BULK events are then ten minutes old: out of any 5-minute window.
    t.server.clock.advance({ minutes: 10 });
    await checkoutAs(t.server, t.alice, old.bookId, 'redeem'); // 3 events
    t.server.clock.advance({ minutes: 6 });
    await checkoutAs(t.server, t.alice, hot.bookId, 'redeem'); // 3 events
    await checkoutAs(t.server, t.bob, hot.bookId, 'lock'); // 2 events
    await checkoutAs(t.server, t.bob, warm.bookId, 'lock'); // 2 events
    await checkoutAs(t.server, t.alice, early.bookId, 'claim'); // 1 event
    t.server.clock.advance({ seconds: 30 });
    await checkoutAs(t.server, t.bob, late.bookId, 'claim'); // 1 event

    expect(await busiest()).toEqual([
      [hot.bookId, 5],
      [warm.bookId, 2],
      [late.bookId, 1], // a tie with `early`: its event is the later one
      [early.bookId, 1],
    ]);
    expect(await busiest({ first: 2 })).toEqual([
      [hot.bookId, 5],
      [warm.bookId, 2],
    ]);
    // Only the last 20 seconds: what happened 30 s ago is out.
    expect(await busiest({ window: 20 })).toEqual([[late.bookId, 1]]);
    // A day back reaches the old book's three events and the uploads.
    const day = new Map(await busiest({ window: 86_400 }));
    expect(day.get(old.bookId)).toBe(4);
    expect(day.get(hot.bookId)).toBe(6);

    // Later, nothing in the window: an empty list, not the newest books.
    t.server.clock.advance({ minutes: 10 });
    expect(await busiest()).toEqual([]);
  });

  it('refuses a window or a count out of range with BAD_USER_INPUT naming the argument', async () => {
    for (const [variables, field] of [
      [{ window: 0 }, 'window'],
      [{ window: 86_401 }, 'window'],
      [{ first: 0 }, 'first'],
      [{ first: 51 }, 'first'],
    ] as const) {
      const answer = await call(t.server, BUSIEST, variables, t.admin.token);
      expect(answer.ok ? 'ok' : answer.code).toBe('BAD_USER_INPUT');
      expect(answer.ok ? '' : answer.message).toContain(field);
    }
  });
});

describe('pinned books', () => {
  it("are saved per admin, in pin order; pinning twice changes nothing; unpin removes; another admin's are their own", async () => {
    const [first, second, third] = await Promise.all([1, 2, 3].map(() => createCampaign(t.server, t.admin, 0)));
    const [otherAdmin] = await createUsers(t.server, 1, 'ADMIN');
    expect(ids(await call(t.server, PINNED, {}, t.admin.token))).toEqual([]);

    expect(ids(await call(t.server, PIN, { id: second.bookId }, t.admin.token))).toEqual([second.bookId]);
    t.server.clock.advance({ seconds: 1 });
    expect(ids(await call(t.server, PIN, { id: first.bookId }, t.admin.token))).toEqual([second.bookId, first.bookId]);
    t.server.clock.advance({ seconds: 1 });
    expect(ids(await call(t.server, PIN, { id: second.bookId }, t.admin.token))).toEqual([second.bookId, first.bookId]);
    expect(ids(await call(t.server, PIN, { id: third.bookId }, otherAdmin.token))).toEqual([third.bookId]);

    expect(ids(await call(t.server, PINNED, {}, t.admin.token))).toEqual([second.bookId, first.bookId]);
    expect(ids(await call(t.server, UNPIN, { id: second.bookId }, t.admin.token))).toEqual([first.bookId]);
    expect(ids(await call(t.server, UNPIN, { id: second.bookId }, t.admin.token))).toEqual([first.bookId]);
    expect(ids(await call(t.server, PINNED, {}, t.admin.token))).toEqual([first.bookId]);
    expect(ids(await call(t.server, PINNED, {}, otherAdmin.token))).toEqual([third.bookId]);

    // A deleted book (never used: deleteBook allows it) leaves every pin list.
    expect((await call(t.server, 'mutation ($id: ID!) { deleteBook(id: $id) }', { id: third.bookId }, t.admin.token)).ok).toBe(true);
    expect(ids(await call(t.server, PINNED, {}, otherAdmin.token))).toEqual([]);
  });

  it('an unknown book is NOT_FOUND, a malformed id BAD_USER_INPUT; past the bound BAD_USER_INPUT', async () => {
    const [admin] = await createUsers(t.server, 1, 'ADMIN');
    expect(ids(await call(t.server, PIN, { id: '00000000-0000-4000-8000-000000000000' }, admin.token))).toBe('NOT_FOUND');
    expect(ids(await call(t.server, PIN, { id: 'not-a-uuid' }, admin.token))).toBe('BAD_USER_INPUT');
    const books = await Promise.all(Array.from({ length: MAX_PINNED_BOOKS + 1 }, () => createCampaign(t.server, t.admin, 0)));
    for (const book of books.slice(0, MAX_PINNED_BOOKS)) expect((await call(t.server, PIN, { id: book.bookId }, admin.token)).ok).toBe(true);
    const refused = await call(t.server, PIN, { id: books[MAX_PINNED_BOOKS].bookId }, admin.token);
    expect(refused.ok ? 'ok' : `${refused.code} ${refused.message}`).toMatch(/^BAD_USER_INPUT .*bookId.*at most 24/);
    // Pinning one already pinned is still fine at the bound.
    expect(ids(await call(t.server, PIN, { id: books[0].bookId }, admin.token))).toHaveLength(MAX_PINNED_BOOKS);
  });

  it('racing pins of one admin: exactly the free places are taken, and each answer is the list as its own pin left it', async () => {
    const [admin] = await createUsers(t.server, 1, 'ADMIN');
    const books = await Promise.all(Array.from({ length: MAX_PINNED_BOOKS + 8 }, () => createCampaign(t.server, t.admin, 0)));
    const held = books.slice(0, MAX_PINNED_BOOKS - 3);
    for (const book of held) await call(t.server, PIN, { id: book.bookId }, admin.token);
    const racing = books.slice(held.length);
    const answers = await Promise.all(racing.map((book) => call<Array<{ id: string }>>(t.server, PIN, { id: book.bookId }, admin.token)));

    const won = answers.flatMap((answer, i) => (answer.ok ? [{ book: racing[i].bookId, list: answer.data.map((b) => b.id) }] : []));
    expect(answers.filter((a) => !a.ok).map((a) => (a.ok ? '' : a.code))).toEqual(Array(racing.length - 3).fill('BAD_USER_INPUT'));
    expect(won).toHaveLength(3);
    // Serial: the winners' answers hold 22, 23 and 24 pins; each holds its own book and those of
    // the winners before it, none after it.
    won.sort((a, b) => a.list.length - b.list.length);
    expect(won.map((w) => w.list.length)).toEqual([MAX_PINNED_BOOKS - 2, MAX_PINNED_BOOKS - 1, MAX_PINNED_BOOKS]);
    won.forEach((w, i) => {
      for (const [j, other] of won.entries()) expect(w.list.includes(other.book), `winner ${i} lists winner ${j}`).toBe(j <= i);
    });
    const final = ids(await call(t.server, PINNED, {}, admin.token));
    expect(final).toHaveLength(MAX_PINNED_BOOKS);
    expect(new Set(final)).toEqual(new Set([...held.map((b) => b.bookId), ...won.map((w) => w.book)]));
  });
});
