import { setTimeout as sleep } from 'node:timers/promises';
import type { Database } from '@coupons/db';
import { afterEach, describe, expect, it } from 'vitest';
import { contextFor, createBook, createUser, useServiceTest } from '../../testing/index.ts';
import { assignCoupon } from '../../src/coupons/index.ts';
import { BookStatsFeed } from '../../src/events/book-stats.feed.ts';
import type { BookStats } from '../../src/events/book-stats.sql.ts';
import { LiveEventBus } from '../../src/events/coupon-event.bus.ts';
import type { LiveCouponEvent } from '../../src/events/coupon-event.record.ts';
import type { EventStream } from '../../src/events/event.stream.ts';

// The bookStats feed shares one recount per book between its subscribers and pushes a value only
// when it differs from the last one pushed. A new subscriber's first read used to be pushed to the
// others too ("a fresher value than the others have seen") and become `last`. But that read may be
// OLDER than a recount that finished while it was on its way (the counts went backwards): the
// interleaving is forced by holding the new subscriber's query result (already read by PostgreSQL,
// i.e. its snapshot predates the claim) until a recount after the claim has been pushed.

const t = useServiceTest({ poolSize: 10 });
let feed: BookStatsFeed | null = null;
afterEach(() => feed?.close());

/** Node 20 has no Promise.withResolvers. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/**
 * A Database whose next `$queryRaw` is held: `holdNext` holds its result (after PostgreSQL answered
 * it) until `release`; `holdNextSend` holds the query itself (not sent yet: its snapshot will be
 * taken after `release`). `queries` counts the statements run.
 */
function heldDatabase(db: Database) {
  let hold: { answered: ReturnType<typeof deferred>; release: ReturnType<typeof deferred> } | null = null;
  let holdSend: { called: ReturnType<typeof deferred>; release: ReturnType<typeof deferred> } | null = null;
  let queries = 0;
  const prisma = new Proxy(db.prisma, {
    get(target, prop, receiver) {
      if (prop !== '$queryRaw') return Reflect.get(target, prop, receiver);
      return (...args: unknown[]) => {
        const run = () => {
          queries += 1;
          return (target.$queryRaw as (...a: unknown[]) => Promise<unknown>)(...args);
        };
        const heldSend = holdSend;
        if (heldSend) {
          holdSend = null;
          heldSend.called.resolve();
          return heldSend.release.promise.then(run);
        }
        const result = run();
        const held = hold;
        if (!held) return result;
        hold = null;
        return result.then(async (rows) => {
          held.answered.resolve();
          await held.release.promise;
          return rows;
        });
      };
    },
  });
  return {
    db: { ...db, prisma } as Database,
    holdNext() {
      hold = { answered: deferred(), release: deferred() };
      return hold;
    },
    holdNextSend() {
      holdSend = { called: deferred(), release: deferred() };
      return holdSend;
    },
    get queries() {
      return queries;
    },
  };
}

/** Reads the stream in the background; `take()` returns what came since the last take (after `ms` of quiet). */
function collect(stream: EventStream<BookStats>) {
  const seen: BookStats[] = [];
  void (async () => {
    for await (const value of stream) seen.push(value);
  })();
  return {
    async take(ms = 300): Promise<BookStats[]> {
      await sleep(ms);
      return seen.splice(0, seen.length);
    },
  };
}

/** A feed on a database whose reads the test can hold, recounting at once on every event. */
function startFeed() {
  const held = heldDatabase(t.db);
  const bus = new LiveEventBus();
  const created = new BookStatsFeed({ db: held.db, clock: { now: () => new Date() }, minIntervalMs: 0, refreshMs: 600_000 });
  created.attach(bus);
  feed = created; // closed after the test
  return { held, bus, feed: created };
}

describe('bookStats: a new subscriber whose first read is older than a recount already pushed', () => {
  it('every subscriber ends on the current counts (no stale value pushed after a fresher one)', async () => {
    const { bookId, codes } = await createBook(t.db, 3);
    const { held, bus, feed } = startFeed();
    const admin = contextFor(t.db, t.admin);

    const first = collect(await feed.subscribe(admin, bookId));
    expect((await first.take()).map((s) => s.unassigned)).toEqual([3]);

    // A second dashboard subscribes; its first read is answered (3 unassigned) but reaches Node late.
    const hold = held.holdNext();
    const second = feed.subscribe(admin, bookId);
    await hold.answered.promise;

    // Meanwhile a coupon is claimed and its event recounts the book: the first dashboard sees 2.
    await assignCoupon(contextFor(t.db, await createUser(t.db)), { code: codes[0] });
    bus.publish([{ bookId } as LiveCouponEvent]);
    expect((await first.take()).map((s) => s.unassigned)).toEqual([2]);

    // The late first read of the second dashboard arrives.
    hold.release.resolve();
    const secondStream = collect(await second);
    const firstAfter = await first.take();
    const secondSeen = await secondStream.take(0);

    const latest = (seen: BookStats[], before: number) => (seen.length > 0 ? seen[seen.length - 1].unassigned : before);
    // The truth is 2 unassigned, and no new event will come to correct a dashboard (the refresh is 10 minutes away).
    expect({ first: latest(firstAfter, 2), second: latest(secondSeen, -1), firstPushes: firstAfter.map((s) => s.unassigned) }).toEqual({
      first: 2,
      second: 2,
      firstPushes: [],
    });
  });

  it('a read sent first but answered from a later snapshot: still no stale value pushed after a fresher one', async () => {
    // Reads run on different pooled connections: the one that starts first may get the later
    // snapshot. Here the recount is issued first but reaches PostgreSQL only after the claim, while
    // the second dashboard's first read, issued after it, is answered before the claim and arrives last.
    const { bookId, codes } = await createBook(t.db, 3);
    const { held, bus, feed } = startFeed();
    const admin = contextFor(t.db, t.admin);
    const first = collect(await feed.subscribe(admin, bookId));
    expect((await first.take()).map((s) => s.unassigned)).toEqual([3]);

    const recountSend = held.holdNextSend();
    bus.publish([{ bookId } as LiveCouponEvent]);
    await recountSend.called.promise;
    const secondRead = held.holdNext();
    const second = feed.subscribe(admin, bookId);
    await secondRead.answered.promise;

    await assignCoupon(contextFor(t.db, await createUser(t.db)), { code: codes[0] });
    recountSend.release.resolve();
    expect((await first.take()).map((s) => s.unassigned)).toEqual([2]);

    secondRead.release.resolve();
    const secondStream = collect(await second);
    expect({ first: (await first.take()).map((s) => s.unassigned), second: (await secondStream.take(0)).map((s) => s.unassigned) }).toEqual({
      first: [],
      second: [2],
    });
  });

  it('a subscriber whose first read overlaps an older recount gets counts read after it subscribed', async () => {
    // The recount is answered before the claim but arrives during the new subscriber's read, which
    // the claiming caller starts after its claim committed: that caller must see its own claim.
    const { bookId, codes } = await createBook(t.db, 3);
    const { held, bus, feed } = startFeed();
    const admin = contextFor(t.db, t.admin);
    const first = collect(await feed.subscribe(admin, bookId));
    expect((await first.take()).map((s) => s.unassigned)).toEqual([3]);

    const recount = held.holdNext();
    bus.publish([{ bookId } as LiveCouponEvent]);
    await recount.answered.promise;
    await assignCoupon(contextFor(t.db, await createUser(t.db)), { code: codes[0] });
    const secondSend = held.holdNextSend();
    const second = feed.subscribe(admin, bookId);
    await secondSend.called.promise;
    recount.release.resolve();
    await sleep(50);
    secondSend.release.resolve();
    const secondStream = collect(await second);
    expect({ first: (await first.take()).map((s) => s.unassigned), second: (await secondStream.take(0)).map((s) => s.unassigned) }).toEqual({
      first: [2],
      second: [2],
    });
  });

  it('an unknown book answers NOT_FOUND and is not left watched', async () => {
    const { held, bus, feed } = startFeed();
    const missing = '00000000-0000-4000-8000-000000000000';
    await expect(feed.subscribe(contextFor(t.db, t.admin), missing)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const before = held.queries;
    bus.publish([{ bookId: missing } as LiveCouponEvent]);
    await sleep(100);
    expect(held.queries).toBe(before);
  });

  it('a subscriber still joining keeps the book watched when the last other dashboard leaves', async () => {
    const { bookId, codes } = await createBook(t.db, 3);
    const { held, bus, feed } = startFeed();
    const admin = contextFor(t.db, t.admin);
    const firstStream = await feed.subscribe(admin, bookId);

    const secondRead = held.holdNext();
    const second = feed.subscribe(admin, bookId);
    await secondRead.answered.promise;
    await firstStream.return();
    secondRead.release.resolve();
    const secondStream = collect(await second);
    expect((await secondStream.take()).map((s) => s.unassigned)).toEqual([3]);

    await assignCoupon(contextFor(t.db, await createUser(t.db)), { code: codes[0] });
    bus.publish([{ bookId } as LiveCouponEvent]);
    expect((await secondStream.take()).map((s) => s.unassigned)).toEqual([2]);
  });
});
