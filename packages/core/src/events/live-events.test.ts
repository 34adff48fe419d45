import { createDatabase, type Database, Prisma } from '@coupons/db';
import { createTestDatabase, type TestDatabase } from '@coupons/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignCoupon, lockCoupon, redeemCoupon, reverseRedemption, sweepExpiredLocks, unlockCoupon } from '../coupons/index.ts';
import type { ServiceContext } from '../shared/context.ts';
import { contextFor, createBook, createUser, createTestClock } from '../../testing/index.ts';
import type { LiveCouponEvent } from './coupon-event.record.ts';
import { type LiveEvents, startLiveEvents } from './live-events.ts';

let t: TestDatabase;
let dbB: Database;
let a: LiveEvents;
let b: LiveEvents;
const clock = createTestClock();

beforeAll(async () => {
  t = await createTestDatabase();
  dbB = createDatabase({ url: t.url, poolSize: 5 });
  // Two "processes" on one database: each its own pool, listener and bus.
  a = await startLiveEvents({ db: t.db, listenUrl: t.url, clock, sweepIntervalMs: 0, listenerName: 'listener-a' });
  b = await startLiveEvents({ db: dbB, listenUrl: t.url, clock, sweepIntervalMs: 0, listenerName: 'listener-b' });
});
afterAll(async () => {
  await a?.stop();
  await b?.stop();
  await dbB?.close();
  await t?.drop();
});

/** Everything `live` delivers from now on, gathered in the background. */
function collect(live: LiveEvents, filter: (e: LiveCouponEvent) => boolean = () => true) {
  const events: LiveCouponEvent[] = [];
  const stream = live.couponEvents.subscribe(filter);
  void (async () => {
    for await (const event of stream) events.push(event);
  })();
  return { events, stop: () => stream.return() };
}

async function until(check: () => boolean, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const ctxOn = (live: LiveEvents, caller: Parameters<typeof contextFor>[1]): ServiceContext => ({
  ...contextFor(t.db, caller, clock),
  events: live.announcer,
});

describe('live events across processes', () => {
  it('delivers every transition, hydrated, to the other process in order', async () => {
    const admin = await createUser(t.db, 'ADMIN');
    const user = await createUser(t.db);
    const { bookId, codes } = await createBook(t.db, 3);
    const code = codes[0] as string;
    const seen = collect(b, (e) => e.bookId === bookId);
    const ctx = ctxOn(a, user);
    await assignCoupon({ ...ctx, caller: admin }, { code, userId: user.userId });
    await lockCoupon(ctx, { code });
    await unlockCoupon(ctx, { code });
    await lockCoupon(ctx, { code });
    const redemption = await redeemCoupon(ctx, { code, metadata: { orderId: 'o-1' } });
    await reverseRedemption(ctxOn(a, admin), { redemptionId: redemption.id, reason: 'refund' });
    await until(() => seen.events.length === 6);
    expect(seen.events.map((e) => e.type)).toEqual(['ASSIGNED', 'LOCKED', 'UNLOCKED', 'LOCKED', 'REDEEMED', 'REVERSED']);
    const [assigned, locked] = seen.events as [LiveCouponEvent, LiveCouponEvent];
    expect(assigned).toMatchObject({ fromState: 'UNASSIGNED', toState: 'ASSIGNED', userId: user.userId, bookId });
    expect(assigned.actor).toMatchObject({ id: admin.userId, role: 'ADMIN', email: admin.email });
    expect(assigned.coupon?.code).toBe(code);
    expect(locked.actorId).toBe(user.userId);
    const redeemed = seen.events[4] as LiveCouponEvent;
    expect(redeemed.redemption).toMatchObject({ id: redemption.id, userId: user.userId, metadata: { orderId: 'o-1' } });
    expect(redeemed.redemption?.redeemedAt).toBeInstanceOf(Date);
    expect((seen.events[5] as LiveCouponEvent).redemption?.reversedAt).toBeInstanceOf(Date);
    expect(seen.events.map((e) => Number(e.id))).toEqual([...seen.events.map((e) => Number(e.id))].sort((x, y) => x - y));
    await seen.stop();
  });

  it('publishes nothing for a transaction that rolls back', async () => {
    const { bookId } = await createBook(t.db, 1);
    const seen = collect(b, (e) => e.bookId === bookId);
    await expect(
      t.db.prisma.$transaction(async (tx) => {
        await tx.$executeRaw(Prisma.sql`
          INSERT INTO coupon_event (book_id, type, count) VALUES (${bookId}::uuid, 'CREATED_BULK', 1)`);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    a.announcer.announce(['999999']); // a stray announcement names nothing real
    await a.settle();
    await b.settle();
    expect(seen.events).toEqual([]);
    await seen.stop();
  });

  it('catches up by polling when a notification is lost', async () => {
    const { bookId } = await createBook(t.db, 1);
    const seen = collect(b, (e) => e.bookId === bookId);
    // Committed without announcing (a crash between commit and announce).
    await t.db.prisma.$executeRaw(Prisma.sql`
      INSERT INTO coupon_event (book_id, type, count) VALUES (${bookId}::uuid, 'CREATED_BULK', 7)`);
    await until(() => seen.events.length === 1, 3_000);
    expect(seen.events[0]).toMatchObject({ type: 'CREATED_BULK', count: 7, coupon: null });
    await seen.stop();
  });

  it('delivers an event whose transaction commits after later ones, exactly once', async () => {
    const { bookId } = await createBook(t.db, 1);
    const seen = collect(b, (e) => e.bookId === bookId);
    const slow = await t.db.pool.connect();
    try {
      await slow.query('BEGIN');
      await slow.query(`INSERT INTO coupon_event (book_id, type, count) VALUES ($1, 'CREATED_BULK', 1)`, [bookId]);
      // A later id commits first and is delivered without waiting for the open one.
      await t.db.prisma.$executeRaw(Prisma.sql`
        INSERT INTO coupon_event (book_id, type, count) VALUES (${bookId}::uuid, 'CREATED_BULK', 2)`);
      await until(() => seen.events.length === 1);
      await new Promise((r) => setTimeout(r, 1_500)); // past the settle time: the gap must hold
      await slow.query('COMMIT');
    } finally {
      slow.release();
    }
    await until(() => seen.events.length === 2);
    expect(seen.events.map((e) => e.count)).toEqual([2, 1]);
    await b.settle();
    expect(seen.events).toHaveLength(2);
    await seen.stop();
  });

  it('survives pg_terminate_backend of its listener during a burst of 500 transitions', async () => {
    const user = await createUser(t.db);
    const { bookId, codes } = await createBook(t.db, 100);
    const ctx = ctxOn(a, user);
    await Promise.all(codes.map((code) => assignCoupon(ctx, { code })));
    await b.settle();
    const seen = collect(b, (e) => e.bookId === bookId);
    const pid = b.listener.backendPid;
    expect(pid).toBeTypeOf('number');
    // 100 coupons × (lock, unlock, lock, unlock) = 400, plus 100 locks = 500 transitions.
    const burst = Promise.all(
      codes.map(async (code) => {
        for (let i = 0; i < 2; i++) {
          await lockCoupon(ctx, { code });
          await unlockCoupon(ctx, { code });
        }
        await lockCoupon(ctx, { code });
      }),
    );
    await until(() => seen.events.length >= 50); // mid-burst
    const killed = await t.db.prisma.$queryRaw<Array<{ ok: boolean }>>(
      Prisma.sql`SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = 'listener-b'`,
    );
    expect(killed).toEqual([{ ok: true }]);
    const deliveredBeforeKill = seen.events.length;
    await burst;
    await until(() => seen.events.length >= 500, 15_000);
    expect(deliveredBeforeKill).toBeLessThan(500);
    await b.settle();
    expect(b.listener.backendPid).not.toBe(pid);
    expect(new Set(seen.events.map((e) => e.id)).size).toBe(500);
    expect(seen.events).toHaveLength(500);
    const perCoupon = new Map<string, string[]>();
    for (const e of seen.events) perCoupon.set(e.couponId as string, [...(perCoupon.get(e.couponId as string) ?? []), e.type]);
    for (const types of perCoupon.values()) expect(types).toEqual(['LOCKED', 'UNLOCKED', 'LOCKED', 'UNLOCKED', 'LOCKED']);
    await seen.stop();
  });

  it('expires a lock once even with two sweepers racing', async () => {
    const user = await createUser(t.db);
    const { bookId, codes } = await createBook(t.db, 20, { lockTtlSeconds: 60 });
    const ctx = ctxOn(a, user);
    for (const code of codes) {
      await assignCoupon(ctx, { code });
      await lockCoupon(ctx, { code });
    }
    await b.settle();
    const seenA = collect(a, (e) => e.bookId === bookId && e.type === 'LOCK_EXPIRED');
    const seenB = collect(b, (e) => e.bookId === bookId && e.type === 'LOCK_EXPIRED');
    clock.advance(61_000);
    const sweptBy = await Promise.all([
      sweepExpiredLocks({ ...contextFor(t.db, null, clock), events: a.announcer }),
      sweepExpiredLocks({ ...contextFor(dbB, null, clock), events: b.announcer }),
    ]);
    expect(sweptBy[0] + sweptBy[1]).toBe(20);
    await until(() => seenA.events.length === 20 && seenB.events.length === 20);
    await a.settle();
    await b.settle();
    expect(seenB.events).toHaveLength(20);
    expect(new Set(seenB.events.map((e) => e.couponId)).size).toBe(20);
    expect(seenB.events.every((e) => e.coupon?.state === 'ASSIGNED' && e.coupon.lockExpiresAt === null)).toBe(true);
    await seenA.stop();
    await seenB.stop();
  });
});
