import { createTestDatabase, type TestDatabase } from '@coupons/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignCoupon } from '../coupons/index.ts';
import { contextFor, createBook, createTestClock, createUser } from '../../testing/index.ts';
import type { LiveCouponEvent } from './coupon-event.record.ts';
import { type LiveEvents, startLiveEvents } from './live-events.ts';
import { OutboxListener } from './outbox.listener.ts';

let t: TestDatabase;
const clock = createTestClock();

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.drop();
});

async function until(check: () => boolean, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Assigns `count` coupons of a new book (as an admin) and returns the book and the codes. */
async function assignSome(count: number) {
  const admin = await createUser(t.db, 'ADMIN');
  const user = await createUser(t.db);
  const { bookId, codes } = await createBook(t.db, count);
  for (const code of codes) await assignCoupon(contextFor(t.db, admin, clock), { code, userId: user.userId });
  return { bookId, codes, admin };
}

describe('outbox reads hydrate events only for a process with subscribers', () => {
  let live: LiveEvents;
  beforeAll(async () => {
    live = await startLiveEvents({ db: t.db, listenUrl: t.url, clock, sweepIntervalMs: 0, listenerName: 'lean-reads' });
  });
  afterAll(async () => {
    await live?.stop();
  });

  it('gives batch listeners every event without its coupon while nobody subscribes, then hydrated ones once someone does', async () => {
    const batches: Array<{ ids: string[]; coupons: number }> = [];
    const stop = live.couponEvents.onBatch((events) =>
      batches.push({ ids: events.map((e) => e.id), coupons: events.filter((e) => e.coupon !== null).length }),
    );
    try {
      const first = await assignSome(3);
      await live.settle();
      const lean = batches.filter((b) => b.ids.length > 0);
      expect(lean.flatMap((b) => b.ids)).toHaveLength(3); // book statistics and metrics still hear every event
      expect(lean.reduce((n, b) => n + b.coupons, 0)).toBe(0); // and nothing was hydrated for nobody

      batches.length = 0;
      const seen: LiveCouponEvent[] = [];
      const stream = live.couponEvents.subscribe(() => true);
      void (async () => {
        for await (const event of stream) seen.push(event);
      })();
      const second = await assignSome(2);
      await live.settle();
      await until(() => seen.length === 2);
      expect(seen.map((e) => e.coupon?.code).sort()).toEqual([...second.codes].sort());
      expect(seen.every((e) => e.actor?.id === second.admin.userId)).toBe(true);
      expect(seen.some((e) => e.bookId === first.bookId)).toBe(false); // "from now on": nothing from before
      await stream.return();
    } finally {
      stop();
    }
  });
});

describe('a subscriber arriving while a batch is read without hydration', () => {
  it('still receives that batch hydrated (the batch may hold events committed after it subscribed)', async () => {
    // The services here announce nothing (no NOTIFY) and the poll is a minute away, so the
    // listener reads exactly when the test calls catchUp(). Before that one read it is told "no
    // subscriber"; asked again once the rows are back, "a subscriber now": driven by the answers,
    // not by timing.
    let answers: boolean[] = [];
    const asked: boolean[] = [];
    const received: Array<{ events: LiveCouponEvent[]; hydrated: boolean }> = [];
    const listener = new OutboxListener({
      connectionString: t.url,
      applicationName: 'lean-race',
      clock,
      pollIntervalMs: 60_000,
      hydrate: () => {
        const answer = answers.shift() ?? true;
        asked.push(answer);
        return answer;
      },
      onEvents: (events, hydrated) => received.push({ events, hydrated }),
    });
    try {
      await listener.start();
      await listener.catchUp();
      const { codes } = await assignSome(2);
      received.length = 0;
      asked.length = 0;
      answers = [false, true];
      await listener.catchUp();
      expect(asked).toEqual([false, true]); // the read went lean, then learnt of the subscriber
      expect(received).toHaveLength(1);
      const [batch] = received as [{ events: LiveCouponEvent[]; hydrated: boolean }];
      expect(batch.hydrated).toBe(true);
      expect(batch.events.map((e) => e.coupon?.code).sort()).toEqual([...codes].sort());
      expect(batch.events.every((e) => e.actor !== null)).toBe(true);
      expect(batch.events.map((e) => Number(e.id))).toEqual(batch.events.map((e) => Number(e.id)).sort((x, y) => x - y));
    } finally {
      await listener.stop();
    }
  });
});

describe('the listener as the outbox grows from empty', () => {
  let fresh: TestDatabase;
  beforeAll(async () => {
    fresh = await createTestDatabase();
  });
  afterAll(async () => {
    await fresh?.drop();
  });

  /** Sequential scans of coupon_event so far, once every backend has reported (each does within a second of going idle). */
  async function outboxScans(): Promise<number> {
    await new Promise((r) => setTimeout(r, 1_500));
    const { rows } = await fresh.db.pool.query<{ n: string }>("SELECT seq_scan::text AS n FROM pg_stat_user_tables WHERE relname = 'coupon_event'");
    return Number(rows[0]?.n);
  }

  it('keeps finding events by index: a plan kept from an empty table does not scan 50,000 rows on every read', async () => {
    const { bookId } = await createBook(fresh.db, 1);
    // What a new database (or one whose outbox was emptied) looks like to the planner: analyzed, empty.
    await fresh.db.pool.query('VACUUM ANALYZE coupon_event');
    let delivered = 0;
    const listener = new OutboxListener({
      connectionString: fresh.url,
      applicationName: 'growing-outbox',
      clock,
      pollIntervalMs: 60_000,
      onEvents: (events) => {
        delivered += events.length;
      },
    });
    try {
      await listener.start();
      // More reads than PostgreSQL's five custom plans: from here on the statement runs a kept plan.
      for (let i = 0; i < 8; i++) await listener.catchUp();
      const before = await outboxScans();
      await fresh.db.pool.query(
        `INSERT INTO coupon_event (book_id, type, count) SELECT $1::uuid, 'CREATED_BULK', 1 FROM generate_series(1, 50000)`,
        [bookId],
      );
      for (let i = 0; i < 5; i++) await listener.catchUp();
      expect(delivered).toBe(50_000);
      expect((await outboxScans()) - before).toBe(0);
    } finally {
      await listener.stop();
    }
  });
});
