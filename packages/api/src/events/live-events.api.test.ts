import { describe, expect, it } from 'vitest';
import {
  COUPON_EVENT_FIELDS,
  couponEventsOf,
  createBook,
  createBookWithCodes,
  mutate,
  OPS,
  record,
  settled,
  type SignedUpUser,
  subscribedOn,
  uploadCodes,
  useApiTest,
  waitFor,
} from '../../testing/index.ts';

const t = useApiTest({ users: ['alice', 'bob'] });

const COUPON_EVENTS = `subscription($bookId: ID, $code: String) { couponEvents(bookId: $bookId, code: $code) { ${COUPON_EVENT_FIELDS} } }`;
const REDEEM = `mutation($code: String!) { redeemCoupon(code: $code, metadata: { orderId: "o-1" }) { id } }`;
const REVERSE = `mutation($id: ID!) { reverseRedemption(redemptionId: $id, reason: "refund") { id } }`;

type EventData = { couponEvents: Record<string, any> };

describe('couponEvents', () => {
  it('delivers every transition type with its fields, LOCK_EXPIRED within a second of the sweep', async () => {
    const bookId = await createBook(t.server, t.admin.token, { lockTtlSeconds: 60 });
    const sub = record<EventData>(t.socket(t.admin), COUPON_EVENTS, { bookId });
    await subscribedOn(t.server.server, 1);
    const [code] = (await uploadCodes(t.server, t.admin.token, bookId, 2)) as [string];
    await mutate(t.server, t.admin.token, OPS.assignCode, { code, userId: t.alice.user.id });
    await mutate(t.server, t.alice.token, OPS.lock, { code });
    await mutate(t.server, t.alice.token, OPS.unlock, { code });
    await mutate(t.server, t.alice.token, OPS.lock, { code });
    await waitFor(() => sub.values.length === 5, 'five events');
    const expiredAt = performance.now();
    t.server.clock.advance({ seconds: 61 }); // the sweeper (every 250 ms) expires the lock
    await waitFor(() => sub.values.length === 6, 'LOCK_EXPIRED', 1_000);
    const expiryLatency = (sub.arrivals[5] as number) - expiredAt;
    await mutate(t.server, t.alice.token, OPS.lock, { code });
    const { redeemCoupon } = await mutate<{ redeemCoupon: { id: string } }>(t.server, t.alice.token, REDEEM, { code });
    // Objects in an event are hydrated at delivery: wait, so REDEEMED shows the redemption before its reversal.
    await waitFor(() => sub.values.length === 8, 'REDEEMED');
    await mutate(t.server, t.admin.token, REVERSE, { id: redeemCoupon.id });
    await waitFor(() => sub.values.length === 9, 'nine events');

    const got = couponEventsOf(sub);
    expect(got.map((e) => e.type)).toEqual([
      'CREATED_BULK', 'ASSIGNED', 'LOCKED', 'UNLOCKED', 'LOCKED', 'LOCK_EXPIRED', 'LOCKED', 'REDEEMED', 'REVERSED',
    ]);
    const [bulk, assigned, locked, , , expired, , redeemed, reversed] = got as Array<Record<string, any>>;
    expect(bulk).toMatchObject({ bookId, count: 2, coupon: null, couponId: null, fromState: null, toState: null });
    expect(bulk?.actor).toMatchObject({ id: t.admin.user.id, role: 'ADMIN' });
    expect(assigned).toMatchObject({ fromState: 'UNASSIGNED', toState: 'ASSIGNED', actor: { id: t.admin.user.id } });
    expect(assigned?.coupon).toMatchObject({ code, assignedUserId: t.alice.user.id });
    expect(locked).toMatchObject({ fromState: 'ASSIGNED', toState: 'LOCKED', actor: { id: t.alice.user.id, email: t.alice.email } });
    expect(expired).toMatchObject({ type: 'LOCK_EXPIRED', fromState: 'LOCKED', toState: 'ASSIGNED', actor: null });
    expect(expired?.coupon).toMatchObject({ state: 'ASSIGNED', lockExpiresAt: null });
    expect(redeemed?.redemption).toMatchObject({ id: redeemCoupon.id, userId: t.alice.user.id, reversedAt: null });
    expect(reversed?.redemption?.id).toBe(redeemCoupon.id);
    expect(reversed?.redemption?.reversedAt).toEqual(expect.any(String));
    for (const e of got) {
      expect(Number.isNaN(Date.parse(e.at))).toBe(false);
      expect(Number.isNaN(Date.parse(e.serverTime))).toBe(false);
    }
    // serverTime is the server clock at delivery: a countdown computed from it survives a wrong client clock.
    expect(Date.parse(got[6]?.serverTime)).toBe(t.server.clock.now().getTime());
    expect(expiryLatency).toBeLessThan(1_000);
    sub.stop();
  });

  it('never gives a USER another user’s events, even in a burst of mixed events', async () => {
    const { bookId, codes } = await createBookWithCodes(t.server, t.admin.token, 42);
    const aliceCodes = codes.slice(0, 20);
    const bobCodes = codes.slice(20, 40);
    const giftCode = codes[40] as string; // assigned to Alice by the admin during the burst
    // Bob redeems this one during the burst: locked before it, and touched by nothing else, so the
    // burst's outcome does not depend on which request lands first.
    const redeemCode = codes[41] as string;
    for (const code of aliceCodes) await mutate(t.server, t.admin.token, OPS.assignCode, { code, userId: t.alice.user.id });
    for (const code of [...bobCodes, redeemCode]) await mutate(t.server, t.admin.token, OPS.assignCode, { code, userId: t.bob.user.id });
    await mutate(t.server, t.bob.token, OPS.lock, { code: redeemCode });
    await settled(t.server.server);
    const before = t.server.server.live?.couponEvents.size ?? 0;
    const aliceClient = t.socket(t.alice);
    const aliceAll = record<EventData>(aliceClient, COUPON_EVENTS, {});
    const aliceBook = record<EventData>(aliceClient, COUPON_EVENTS, { bookId });
    const aliceOnBobsCode = record<EventData>(aliceClient, COUPON_EVENTS, { code: bobCodes[0] });
    const bobAll = record<EventData>(t.socket(t.bob), COUPON_EVENTS, { bookId });
    const adminAll = record<EventData>(t.socket(t.admin), COUPON_EVENTS, { bookId });
    await subscribedOn(t.server.server, before + 5);

    const cycle = (user: SignedUpUser, code: string) => async () => {
      await mutate(t.server, user.token, OPS.lock, { code });
      await mutate(t.server, user.token, OPS.unlock, { code });
      await mutate(t.server, user.token, OPS.lock, { code });
    };
    await Promise.all([
      ...aliceCodes.map((code) => cycle(t.alice, code)()),
      ...bobCodes.map((code) => cycle(t.bob, code)()),
      uploadCodes(t.server, t.admin.token, bookId, 5), // a CREATED_BULK nobody but admins may see
      mutate(t.server, t.admin.token, OPS.assignCode, { code: giftCode, userId: t.alice.user.id }),
      mutate(t.server, t.bob.token, REDEEM, { code: redeemCode }),
    ]);
    await settled(t.server.server);
    await waitFor(() => adminAll.values.length >= 123, 'admin events');
    await settled(t.server.server);

    const adminEvents = couponEventsOf(adminAll);
    const ofUser = (id: string) => adminEvents.filter((e) => e.coupon?.assignedUserId === id && e.type !== 'CREATED_BULK');
    expect(couponEventsOf(aliceAll)).toHaveLength(61);
    expect(couponEventsOf(aliceAll).every((e) => e.coupon.assignedUserId === t.alice.user.id)).toBe(true);
    // Her own transitions name her; nobody else's account (the admin's) is shown to her as an actor.
    const gift = couponEventsOf(aliceAll).find((e) => e.coupon.code === giftCode);
    expect(gift).toMatchObject({ type: 'ASSIGNED', actor: null });
    expect(couponEventsOf(aliceAll).filter((e) => e !== gift).every((e) => e.actor?.id === t.alice.user.id)).toBe(true);
    expect(couponEventsOf(adminAll).find((e) => e.coupon?.code === giftCode)?.actor?.id).toBe(t.admin.user.id);
    expect(couponEventsOf(aliceBook).map((e) => e.id)).toEqual(couponEventsOf(aliceAll).map((e) => e.id));
    expect(aliceOnBobsCode.values).toEqual([]);
    expect(couponEventsOf(bobAll).map((e) => e.id)).toEqual(ofUser(t.bob.user.id).map((e) => e.id));
    expect(couponEventsOf(bobAll).every((e) => e.coupon.assignedUserId === t.bob.user.id)).toBe(true);
    expect(adminEvents.some((e) => e.type === 'CREATED_BULK')).toBe(true);
    expect(couponEventsOf(bobAll).filter((e) => e.type === 'REDEEMED').map((e) => e.coupon.code)).toEqual([redeemCode]);
    for (const sub of [aliceAll, aliceBook, aliceOnBobsCode, bobAll, adminAll]) sub.stop();
  });

  it('sends nothing for mutations that fail and roll back', async () => {
    const { bookId, codes } = await createBookWithCodes(t.server, t.admin.token, 2);
    const [mine, other] = codes as [string, string];
    await mutate(t.server, t.admin.token, OPS.assignCode, { code: mine, userId: t.alice.user.id });
    await settled(t.server.server);
    const before = t.server.server.live?.couponEvents.size ?? 0;
    const sub = record<EventData>(t.socket(t.admin), COUPON_EVENTS, { bookId });
    await subscribedOn(t.server.server, before + 1);
    await expect(mutate(t.server, t.bob.token, OPS.lock, { code: mine })).rejects.toThrow(/NOT_FOUND/);
    await expect(mutate(t.server, t.alice.token, REDEEM, { code: mine })).rejects.toThrow(/INVALID_STATE/);
    await expect(mutate(t.server, t.alice.token, OPS.unlock, { code: mine })).rejects.toThrow(/INVALID_STATE/);
    await expect(mutate(t.server, t.bob.token, OPS.assignCode, { code: mine })).rejects.toThrow(/NOT_FOUND/);
    await expect(mutate(t.server, t.alice.token, OPS.lock, { code: other })).rejects.toThrow(/FORBIDDEN|NOT_FOUND|INVALID_STATE/);
    await settled(t.server.server);
    expect(sub.values).toEqual([]);
    await mutate(t.server, t.alice.token, OPS.lock, { code: mine }); // the sentinel: only this one arrives
    await waitFor(() => sub.values.length === 1, 'the sentinel');
    await settled(t.server.server);
    expect(couponEventsOf(sub).map((e) => e.type)).toEqual(['LOCKED']);
    sub.stop();
  });
});

describe('redemptionEvents', () => {
  it('gives each USER their own redemptions and an ADMIN all of the book', async () => {
    const { bookId, codes } = await createBookWithCodes(t.server, t.admin.token, 2);
    const [a, b] = codes as [string, string];
    await mutate(t.server, t.admin.token, OPS.assignCode, { code: a, userId: t.alice.user.id });
    await mutate(t.server, t.admin.token, OPS.assignCode, { code: b, userId: t.bob.user.id });
    await settled(t.server.server);
    const before = t.server.server.live?.couponEvents.size ?? 0;
    const query = `subscription($bookId: ID) { redemptionEvents(bookId: $bookId) { id userId couponId bookId reversedAt } }`;
    const aliceSub = record<{ redemptionEvents: Record<string, any> }>(t.socket(t.alice), query, {});
    const bobSub = record<{ redemptionEvents: Record<string, any> }>(t.socket(t.bob), query, {});
    const adminSub = record<{ redemptionEvents: Record<string, any> }>(t.socket(t.admin), query, { bookId });
    await subscribedOn(t.server.server, before + 3);
    await mutate(t.server, t.alice.token, OPS.lock, { code: a });
    await mutate(t.server, t.bob.token, OPS.lock, { code: b });
    const ra = (await mutate<{ redeemCoupon: { id: string } }>(t.server, t.alice.token, REDEEM, { code: a })).redeemCoupon;
    const rb = (await mutate<{ redeemCoupon: { id: string } }>(t.server, t.bob.token, REDEEM, { code: b })).redeemCoupon;
    await mutate(t.server, t.admin.token, REVERSE, { id: ra.id });
    await waitFor(() => adminSub.values.length === 3, 'admin redemptions');
    await settled(t.server.server);
    const ids = (sub: typeof aliceSub) => sub.values.map((v) => v.data?.redemptionEvents.id);
    expect(ids(aliceSub)).toEqual([ra.id, ra.id]); // redeemed, then reversed
    expect(aliceSub.values[1]?.data?.redemptionEvents.reversedAt).toEqual(expect.any(String));
    expect(ids(bobSub)).toEqual([rb.id]);
    expect(ids(adminSub)).toEqual([ra.id, rb.id, ra.id]);
    for (const sub of [aliceSub, bobSub, adminSub]) sub.stop();
  });
});

describe('bookStats', () => {
  it('sends the current counters, then coalesced changes', async () => {
    const { bookId, codes } = await createBookWithCodes(t.server, t.admin.token, 30);
    const sub = record<{ bookStats: Record<string, any> }>(
      t.socket(t.admin),
      `subscription($bookId: ID!) { bookStats(bookId: $bookId) {
        bookId unassigned assigned locked redeemed total activeLocks redemptionsLastMinute serverTime } }`,
      { bookId },
    );
    await waitFor(() => sub.values.length === 1, 'the initial value');
    expect(sub.values[0]?.data?.bookStats).toMatchObject({ bookId, unassigned: 30, assigned: 0, total: 30, activeLocks: 0 });
    await Promise.all(codes.map((code) => mutate(t.server, t.admin.token, OPS.assignCode, { code, userId: t.alice.user.id })));
    await mutate(t.server, t.alice.token, OPS.lock, { code: codes[0] });
    await mutate(t.server, t.alice.token, REDEEM, { code: codes[0] });
    const last = () => sub.values.at(-1)?.data?.bookStats;
    await waitFor(() => last()?.redeemed === 1, 'the redemption in the counters');
    expect(last()).toMatchObject({ unassigned: 0, assigned: 29, redeemed: 1, locked: 0, redemptionsLastMinute: 1 });
    // 32 transitions, but at most one recount per 250 ms: far fewer pushes than events.
    expect(sub.values.length).toBeLessThan(12);
    sub.stop();
  });
});

describe('codeJob', () => {
  it('follows a generate job from its stored state to COMPLETED, then completes', async () => {
    const bookId = await createBook(t.server, t.admin.token);
    const started = await mutate<{ generateCodes: { jobId: string } }>(
      t.server,
      t.admin.token,
      `mutation($bookId: ID!) { generateCodes(bookId: $bookId, input: { count: 120000, waitForCompletion: false }) { jobId } }`,
      { bookId },
    );
    const jobId = started.generateCodes.jobId;
    const sub = record<{ codeJob: Record<string, any> }>(
      t.socket(t.admin),
      `subscription($jobId: ID!) { codeJob(jobId: $jobId) { jobId bookId status total processed inserted duplicates invalid } }`,
      { jobId },
    );
    await sub.finished;
    expect(sub.completed).toBe(true);
    const progress = sub.values.map((v) => v.data?.codeJob as Record<string, any>);
    expect(progress.at(-1)).toMatchObject({ jobId, bookId, status: 'COMPLETED', total: 120000, inserted: 120000 });
    const processed = progress.map((p) => p.processed);
    expect(processed).toEqual([...processed].sort((x, y) => x - y));
    expect(progress.slice(0, -1).every((p) => p.status === 'RUNNING')).toBe(true);
  });
});
