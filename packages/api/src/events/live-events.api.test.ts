import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  COUPON_EVENT_FIELDS,
  createBook,
  createBookWithCodes,
  createClientPool,
  mutate,
  record,
  type RecordingClient,
  settled,
  type SignedUpUser,
  signUp,
  startTestServer,
  subscribedOn,
  type TestServer,
  uploadCodes,
  waitFor,
} from '../../testing/index.ts';

let server: TestServer;
let admin: SignedUpUser;
let alice: SignedUpUser;
let bob: SignedUpUser;
const clients = createClientPool();

beforeAll(async () => {
  server = await startTestServer();
  [admin, alice, bob] = await Promise.all([signUp(server, 'ADMIN'), signUp(server), signUp(server)]);
});
afterAll(async () => {
  await clients.disposeAll();
  await server?.close();
});

const client = (user: SignedUpUser): RecordingClient['client'] => clients.connect(server, user.token).client;

const COUPON_EVENTS = `subscription($bookId: ID, $code: String) { couponEvents(bookId: $bookId, code: $code) { ${COUPON_EVENT_FIELDS} } }`;
const ASSIGN = `mutation($code: String!, $userId: ID) { assignCoupon(code: $code, userId: $userId) { id } }`;
const LOCK = `mutation($code: String!) { lockCoupon(code: $code) { id lockExpiresAt } }`;
const UNLOCK = `mutation($code: String!) { unlockCoupon(code: $code) { id } }`;
const REDEEM = `mutation($code: String!) { redeemCoupon(code: $code, metadata: { orderId: "o-1" }) { id } }`;
const REVERSE = `mutation($id: ID!) { reverseRedemption(redemptionId: $id, reason: "refund") { id } }`;

type EventData = { couponEvents: Record<string, any> };
const events = (values: Array<{ data?: EventData | null }>) => values.map((v) => v.data?.couponEvents as Record<string, any>);

describe('couponEvents', () => {
  it('delivers every transition type with its fields, LOCK_EXPIRED within a second of the sweep', async () => {
    const bookId = await createBook(server, admin.token, { lockTtlSeconds: 60 });
    const sub = record<EventData>(client(admin), COUPON_EVENTS, { bookId });
    await subscribedOn(server.server, 1);
    const [code] = (await uploadCodes(server, admin.token, bookId, 2)) as [string];
    await mutate(server, admin.token, ASSIGN, { code, userId: alice.user.id });
    await mutate(server, alice.token, LOCK, { code });
    await mutate(server, alice.token, UNLOCK, { code });
    await mutate(server, alice.token, LOCK, { code });
    await waitFor(() => sub.values.length === 5, 'five events');
    const expiredAt = performance.now();
    server.clock.advance({ seconds: 61 }); // the sweeper (every 250 ms) expires the lock
    await waitFor(() => sub.values.length === 6, 'LOCK_EXPIRED', 1_000);
    const expiryLatency = (sub.arrivals[5] as number) - expiredAt;
    await mutate(server, alice.token, LOCK, { code });
    const { redeemCoupon } = await mutate<{ redeemCoupon: { id: string } }>(server, alice.token, REDEEM, { code });
    // Objects in an event are hydrated at delivery: wait, so REDEEMED shows the redemption before its reversal.
    await waitFor(() => sub.values.length === 8, 'REDEEMED');
    await mutate(server, admin.token, REVERSE, { id: redeemCoupon.id });
    await waitFor(() => sub.values.length === 9, 'nine events');

    const got = events(sub.values);
    expect(got.map((e) => e.type)).toEqual([
      'CREATED_BULK', 'ASSIGNED', 'LOCKED', 'UNLOCKED', 'LOCKED', 'LOCK_EXPIRED', 'LOCKED', 'REDEEMED', 'REVERSED',
    ]);
    const [bulk, assigned, locked, , , expired, , redeemed, reversed] = got as Array<Record<string, any>>;
    expect(bulk).toMatchObject({ bookId, count: 2, coupon: null, couponId: null, fromState: null, toState: null });
    expect(bulk?.actor).toMatchObject({ id: admin.user.id, role: 'ADMIN' });
    expect(assigned).toMatchObject({ fromState: 'UNASSIGNED', toState: 'ASSIGNED', actor: { id: admin.user.id } });
    expect(assigned?.coupon).toMatchObject({ code, assignedUserId: alice.user.id });
    expect(locked).toMatchObject({ fromState: 'ASSIGNED', toState: 'LOCKED', actor: { id: alice.user.id, email: alice.email } });
    expect(expired).toMatchObject({ type: 'LOCK_EXPIRED', fromState: 'LOCKED', toState: 'ASSIGNED', actor: null });
    expect(expired?.coupon).toMatchObject({ state: 'ASSIGNED', lockExpiresAt: null });
    expect(redeemed?.redemption).toMatchObject({ id: redeemCoupon.id, userId: alice.user.id, reversedAt: null });
    expect(reversed?.redemption?.id).toBe(redeemCoupon.id);
    expect(reversed?.redemption?.reversedAt).toEqual(expect.any(String));
    for (const e of got) {
      expect(Number.isNaN(Date.parse(e.at))).toBe(false);
      expect(Number.isNaN(Date.parse(e.serverTime))).toBe(false);
    }
    // serverTime is the server clock at delivery: a countdown computed from it survives a wrong client clock.
    expect(Date.parse(got[6]?.serverTime)).toBe(server.clock.now().getTime());
    expect(expiryLatency).toBeLessThan(1_000);
    sub.stop();
  });

  it('never gives a USER another user’s events, even in a burst of mixed events', async () => {
    const { bookId, codes } = await createBookWithCodes(server, admin.token, 41);
    const aliceCodes = codes.slice(0, 20);
    const bobCodes = codes.slice(20, 40);
    const giftCode = codes[40] as string; // assigned to Alice by the admin during the burst
    for (const code of aliceCodes) await mutate(server, admin.token, ASSIGN, { code, userId: alice.user.id });
    for (const code of bobCodes) await mutate(server, admin.token, ASSIGN, { code, userId: bob.user.id });
    await settled(server.server);
    const before = server.server.live?.couponEvents.size ?? 0;
    const aliceClient = client(alice);
    const aliceAll = record<EventData>(aliceClient, COUPON_EVENTS, {});
    const aliceBook = record<EventData>(aliceClient, COUPON_EVENTS, { bookId });
    const aliceOnBobsCode = record<EventData>(aliceClient, COUPON_EVENTS, { code: bobCodes[0] });
    const bobAll = record<EventData>(client(bob), COUPON_EVENTS, { bookId });
    const adminAll = record<EventData>(client(admin), COUPON_EVENTS, { bookId });
    await subscribedOn(server.server, before + 5);

    const cycle = (user: SignedUpUser, code: string) => async () => {
      await mutate(server, user.token, LOCK, { code });
      await mutate(server, user.token, UNLOCK, { code });
      await mutate(server, user.token, LOCK, { code });
    };
    await Promise.all([
      ...aliceCodes.map((code) => cycle(alice, code)()),
      ...bobCodes.map((code) => cycle(bob, code)()),
      uploadCodes(server, admin.token, bookId, 5), // a CREATED_BULK nobody but admins may see
      mutate(server, admin.token, ASSIGN, { code: giftCode, userId: alice.user.id }),
      mutate(server, bob.token, REDEEM, { code: bobCodes[1] }).catch(() => {}), // not locked yet, or redeemed
    ]);
    await settled(server.server);
    await waitFor(() => adminAll.values.length >= 122, 'admin events');
    await settled(server.server);

    const adminEvents = events(adminAll.values);
    const ofUser = (id: string) => adminEvents.filter((e) => e.coupon?.assignedUserId === id && e.type !== 'CREATED_BULK');
    expect(events(aliceAll.values)).toHaveLength(61);
    expect(events(aliceAll.values).every((e) => e.coupon.assignedUserId === alice.user.id)).toBe(true);
    // Her own transitions name her; nobody else's account (the admin's) is shown to her as an actor.
    const gift = events(aliceAll.values).find((e) => e.coupon.code === giftCode);
    expect(gift).toMatchObject({ type: 'ASSIGNED', actor: null });
    expect(events(aliceAll.values).filter((e) => e !== gift).every((e) => e.actor?.id === alice.user.id)).toBe(true);
    expect(events(adminAll.values).find((e) => e.coupon?.code === giftCode)?.actor?.id).toBe(admin.user.id);
    expect(events(aliceBook.values).map((e) => e.id)).toEqual(events(aliceAll.values).map((e) => e.id));
    expect(aliceOnBobsCode.values).toEqual([]);
    expect(events(bobAll.values).map((e) => e.id)).toEqual(ofUser(bob.user.id).map((e) => e.id));
    expect(events(bobAll.values).every((e) => e.coupon.assignedUserId === bob.user.id)).toBe(true);
    expect(adminEvents.some((e) => e.type === 'CREATED_BULK')).toBe(true);
    for (const sub of [aliceAll, aliceBook, aliceOnBobsCode, bobAll, adminAll]) sub.stop();
  });

  it('sends nothing for mutations that fail and roll back', async () => {
    const { bookId, codes } = await createBookWithCodes(server, admin.token, 2);
    const [mine, other] = codes as [string, string];
    await mutate(server, admin.token, ASSIGN, { code: mine, userId: alice.user.id });
    await settled(server.server);
    const before = server.server.live?.couponEvents.size ?? 0;
    const sub = record<EventData>(client(admin), COUPON_EVENTS, { bookId });
    await subscribedOn(server.server, before + 1);
    await expect(mutate(server, bob.token, LOCK, { code: mine })).rejects.toThrow(/NOT_FOUND/);
    await expect(mutate(server, alice.token, REDEEM, { code: mine })).rejects.toThrow(/INVALID_STATE/);
    await expect(mutate(server, alice.token, UNLOCK, { code: mine })).rejects.toThrow(/INVALID_STATE/);
    await expect(mutate(server, bob.token, ASSIGN, { code: mine })).rejects.toThrow(/NOT_FOUND/);
    await expect(mutate(server, alice.token, LOCK, { code: other })).rejects.toThrow(/FORBIDDEN|NOT_FOUND|INVALID_STATE/);
    await settled(server.server);
    expect(sub.values).toEqual([]);
    await mutate(server, alice.token, LOCK, { code: mine }); // the sentinel: only this one arrives
    await waitFor(() => sub.values.length === 1, 'the sentinel');
    await settled(server.server);
    expect(events(sub.values).map((e) => e.type)).toEqual(['LOCKED']);
    sub.stop();
  });
});

describe('redemptionEvents', () => {
  it('gives each USER their own redemptions and an ADMIN all of the book', async () => {
    const { bookId, codes } = await createBookWithCodes(server, admin.token, 2);
    const [a, b] = codes as [string, string];
    await mutate(server, admin.token, ASSIGN, { code: a, userId: alice.user.id });
    await mutate(server, admin.token, ASSIGN, { code: b, userId: bob.user.id });
    await settled(server.server);
    const before = server.server.live?.couponEvents.size ?? 0;
    const query = `subscription($bookId: ID) { redemptionEvents(bookId: $bookId) { id userId couponId bookId reversedAt } }`;
    const aliceSub = record<{ redemptionEvents: Record<string, any> }>(client(alice), query, {});
    const bobSub = record<{ redemptionEvents: Record<string, any> }>(client(bob), query, {});
    const adminSub = record<{ redemptionEvents: Record<string, any> }>(client(admin), query, { bookId });
    await subscribedOn(server.server, before + 3);
    await mutate(server, alice.token, LOCK, { code: a });
    await mutate(server, bob.token, LOCK, { code: b });
    const ra = (await mutate<{ redeemCoupon: { id: string } }>(server, alice.token, REDEEM, { code: a })).redeemCoupon;
    const rb = (await mutate<{ redeemCoupon: { id: string } }>(server, bob.token, REDEEM, { code: b })).redeemCoupon;
    await mutate(server, admin.token, REVERSE, { id: ra.id });
    await waitFor(() => adminSub.values.length === 3, 'admin redemptions');
    await settled(server.server);
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
    const { bookId, codes } = await createBookWithCodes(server, admin.token, 30);
    const sub = record<{ bookStats: Record<string, any> }>(
      client(admin),
      `subscription($bookId: ID!) { bookStats(bookId: $bookId) {
        bookId unassigned assigned locked redeemed total activeLocks redemptionsLastMinute serverTime } }`,
      { bookId },
    );
    await waitFor(() => sub.values.length === 1, 'the initial value');
    expect(sub.values[0]?.data?.bookStats).toMatchObject({ bookId, unassigned: 30, assigned: 0, total: 30, activeLocks: 0 });
    await Promise.all(codes.map((code) => mutate(server, admin.token, ASSIGN, { code, userId: alice.user.id })));
    await mutate(server, alice.token, LOCK, { code: codes[0] });
    await mutate(server, alice.token, REDEEM, { code: codes[0] });
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
    const bookId = await createBook(server, admin.token);
    const started = await mutate<{ generateCodes: { jobId: string } }>(
      server,
      admin.token,
      `mutation($bookId: ID!) { generateCodes(bookId: $bookId, input: { count: 120000, waitForCompletion: false }) { jobId } }`,
      { bookId },
    );
    const jobId = started.generateCodes.jobId;
    const sub = record<{ codeJob: Record<string, any> }>(
      client(admin),
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
