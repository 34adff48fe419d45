import { Prisma } from '@coupons/db';
import { holdLock, lockWaiters } from '@coupons/db/testing';
import { describe, expect, it } from 'vitest';
import { type BookOverrides, contextFor, createBook, createUser, useServiceTest, type Answer, label, serviceAnswer, trackAnswer } from '../../testing/index.ts';
import type { ServiceContext } from '../shared/context.ts';
import { forceUnlockCoupon, unassignCoupon, updateCoupon, voidCoupon } from './control.service.ts';
import { assignCoupon, assignRandomCoupon, lockCoupon, redeemCoupon, reverseRedemption, unlockCoupon } from './index.ts';

// An admin's controls on one coupon (void, unassign, updateCoupon, force unlock) racing the
// shopper's transitions of the same coupon (claim, lock, unlock, redeem) and an admin's reversal.
// Every one of them takes the coupon's row lock first, so two of them take turns; the second must
// then decide on what the first committed, and answer as it would have after it. Each forced test
// holds the coupon's row in a transaction of its own, queues the two calls behind it in a known
// order (both provably wait: pg_stat_activity), and lets go: PostgreSQL hands the row lock to its
// waiters in turn. Plain rounds of Promise.all then check that every answer seen, and the data
// left, is one of those an explicit list of serial orders gives.

const t = useServiceTest({ poolSize: 10 });

/** Starts `call` and tracks its answer (a service's own: a raw database error is no contract code). */
const track = (call: Promise<unknown>) => trackAnswer(serviceAnswer(call));

/**
 * Runs `first`, then `second`, as two requests that arrive while another transition holds the
 * coupon `code`: both queue on its row lock (in this order) and run in turn once the holder commits.
 */
async function inTurn(code: string, first: () => Promise<unknown>, second: () => Promise<unknown>): Promise<[Answer, Answer]> {
  const holder = await holdLock(t.db.pool, Prisma.sql`SELECT 1 FROM coupon WHERE code = ${code} FOR UPDATE`);
  const a = track(first());
  await lockWaiters(t.db.pool, 1, { settled: a.settled });
  const b = track(second());
  await lockWaiters(t.db.pool, 2, { settled: () => a.settled() || b.settled() });
  await holder.end('COMMIT');
  return [await a.answer, await b.answer];
}

interface Shopper {
  ctx: ServiceContext;
  userId: string;
}

/** A coupon, its holder (`owner`), another shopper, an admin, and the redemption when REDEEMED. */
interface Scene {
  bookId: string;
  code: string;
  owner: Shopper;
  other: Shopper;
  admin: ServiceContext;
  redemptionId: string | null;
}

type Setup = 'UNASSIGNED' | 'ASSIGNED' | 'LOCKED' | 'REDEEMED' | 'USED_ONCE_LOCKED';

/**
 * A fresh book of one code in the state `setup` (the owner holds it unless UNASSIGNED).
 * USED_ONCE_LOCKED: a multi-use book whose coupon was redeemed once and is locked again.
 */
async function scene(setup: Setup, overrides: BookOverrides = {}): Promise<Scene> {
  const multi = setup === 'USED_ONCE_LOCKED';
  const {
    bookId,
    codes: [code],
  } = await createBook(t.db, 1, multi ? { ...overrides, allowMultipleRedemptions: true } : overrides);
  const [owner, other] = await Promise.all([createUser(t.db), createUser(t.db)]);
  const s: Scene = {
    bookId,
    code,
    owner: { ctx: contextFor(t.db, owner), userId: owner.userId },
    other: { ctx: contextFor(t.db, other), userId: other.userId },
    admin: contextFor(t.db, t.admin),
    redemptionId: null,
  };
  if (setup === 'UNASSIGNED') return s;
  await assignCoupon(s.owner.ctx, { code });
  if (setup === 'ASSIGNED') return s;
  await lockCoupon(s.owner.ctx, { code });
  if (setup === 'LOCKED') return s;
  s.redemptionId = (await redeemCoupon(s.owner.ctx, { code })).id;
  if (multi) await lockCoupon(s.owner.ctx, { code });
  return s;
}

/** The calls that race, each on the scene's coupon. */
const calls = {
  void: (s: Scene) => voidCoupon(s.admin, { code: s.code, reason: 'leaked on a forum' }),
  unassign: (s: Scene) => unassignCoupon(s.admin, { code: s.code, reason: 'wrong customer' }),
  expire: (s: Scene) => updateCoupon(s.admin, { code: s.code, input: { expiresAt: new Date(Date.now() - 60_000) } }),
  limitToOneUse: (s: Scene) => updateCoupon(s.admin, { code: s.code, input: { maxRedemptions: 1 } }),
  forceUnlock: (s: Scene) => forceUnlockCoupon(s.admin, { code: s.code, reason: 'checkout hangs' }),
  reverse: (s: Scene) => reverseRedemption(s.admin, { redemptionId: s.redemptionId as string, reason: 'refund' }),
  lock: (s: Scene) => lockCoupon(s.owner.ctx, { code: s.code }),
  unlock: (s: Scene) => unlockCoupon(s.owner.ctx, { code: s.code }),
  redeem: (s: Scene) => redeemCoupon(s.owner.ctx, { code: s.code }),
  /** Another shopper claims the code. */
  claim: (s: Scene) => assignCoupon(s.other.ctx, { code: s.code }),
} as const;
type Call = keyof typeof calls;

/** The coupon as it stands: who it is with (`owner`, `other` or null), its uses, and both shoppers' counters ([assigned, redeemed], null: no row). */
async function rowOf(s: Scene) {
  const who = (id: string | null) => (id === null ? null : id === s.owner.userId ? 'owner' : id === s.other.userId ? 'other' : id);
  const [row] = await t.db.prisma.$queryRaw<
    Array<{ state: string; holder: string | null; locked_by: string | null; lock_expires_at: Date | null; uses: number; standing: number }>
  >(Prisma.sql`
    SELECT c.state::text AS state, c.assigned_user_id::text AS holder, c.locked_by_id::text AS locked_by, c.lock_expires_at,
           c.redemption_count AS uses,
           (SELECT count(*)::int FROM redemption r WHERE r.coupon_id = c.id AND r.reversed_at IS NULL) AS standing
    FROM coupon c WHERE c.code = ${s.code}`);
  const counters = await t.db.prisma.$queryRaw<Array<{ user_id: string; assigned: number; redeemed: number }>>(Prisma.sql`
    SELECT user_id::text, assigned_count AS assigned, redeemed_count AS redeemed FROM user_book_counter WHERE book_id = ${s.bookId}::uuid`);
  const counter = (userId: string) => {
    const c = counters.find((r) => r.user_id === userId);
    return c ? [c.assigned, c.redeemed] : null;
  };
  return {
    state: row.state,
    holder: who(row.holder),
    lockedBy: who(row.locked_by),
    lockRuns: row.lock_expires_at !== null,
    uses: row.uses,
    standing: row.standing,
    counters: { owner: counter(s.owner.userId), other: counter(s.other.userId) },
  };
}

/** The types of the coupon's events after the first `skip`, oldest first. */
async function eventsOf(code: string, skip = 0): Promise<string[]> {
  const rows = await t.db.prisma.$queryRaw<Array<{ type: string }>>(Prisma.sql`
    SELECT e.type::text AS type FROM coupon_event e JOIN coupon c ON c.id = e.coupon_id WHERE c.code = ${code} ORDER BY e.id`);
  return rows.slice(skip).map((r) => r.type);
}

type Expected = 'ok' | { code: string; details?: Record<string, unknown> };

interface Case {
  setup: Setup;
  first: Call;
  second: Call;
  answers: [Expected, Expected];
  /** The events the two wrote, in order. */
  events: string[];
  after: Awaited<ReturnType<typeof rowOf>>;
}

const counters = (owner: number[] | null, other: number[] | null = null) => ({ owner, other });

/**
 * Each pair in both orders. `after` is the coupon and the counters as the serial order leaves
 * them: the owner's counter is [assigned, redeemed] (an unassign gives the assignment back, a
 * void does not; a reversal gives the use back); the other shopper has a counter only once a
 * claim of theirs went through.
 */
const CASES: Record<string, Case> = {
  // ── void ──
  "void, then the owner's redeem": {
    setup: 'LOCKED',
    first: 'void',
    second: 'redeem',
    answers: ['ok', { code: 'INVALID_STATE', details: { state: 'VOID' } }],
    events: ['VOIDED'],
    after: { state: 'VOID', holder: 'owner', lockedBy: null, lockRuns: false, uses: 0, standing: 0, counters: counters([1, 0]) },
  },
  "the owner's redeem, then void": {
    setup: 'LOCKED',
    first: 'redeem',
    second: 'void',
    answers: ['ok', 'ok'],
    events: ['REDEEMED', 'VOIDED'],
    after: { state: 'VOID', holder: 'owner', lockedBy: null, lockRuns: false, uses: 1, standing: 1, counters: counters([1, 1]) },
  },
  "void, then the owner's lock": {
    setup: 'ASSIGNED',
    first: 'void',
    second: 'lock',
    answers: ['ok', { code: 'INVALID_STATE', details: { state: 'VOID' } }],
    events: ['VOIDED'],
    after: { state: 'VOID', holder: 'owner', lockedBy: null, lockRuns: false, uses: 0, standing: 0, counters: counters([1, 0]) },
  },
  "the owner's lock, then void (the lock ends with it)": {
    setup: 'ASSIGNED',
    first: 'lock',
    second: 'void',
    answers: ['ok', 'ok'],
    events: ['LOCKED', 'VOIDED'],
    after: { state: 'VOID', holder: 'owner', lockedBy: null, lockRuns: false, uses: 0, standing: 0, counters: counters([1, 0]) },
  },
  "void, then the owner's unlock": {
    setup: 'LOCKED',
    first: 'void',
    second: 'unlock',
    answers: ['ok', { code: 'INVALID_STATE', details: { state: 'VOID' } }],
    events: ['VOIDED'],
    after: { state: 'VOID', holder: 'owner', lockedBy: null, lockRuns: false, uses: 0, standing: 0, counters: counters([1, 0]) },
  },
  "the owner's unlock, then void": {
    setup: 'LOCKED',
    first: 'unlock',
    second: 'void',
    answers: ['ok', 'ok'],
    events: ['UNLOCKED', 'VOIDED'],
    after: { state: 'VOID', holder: 'owner', lockedBy: null, lockRuns: false, uses: 0, standing: 0, counters: counters([1, 0]) },
  },
  'void of a free code, then a claim of it (a void code does not exist for shoppers)': {
    setup: 'UNASSIGNED',
    first: 'void',
    second: 'claim',
    answers: ['ok', { code: 'NOT_FOUND' }],
    events: ['VOIDED'],
    after: { state: 'VOID', holder: null, lockedBy: null, lockRuns: false, uses: 0, standing: 0, counters: counters(null, null) },
  },
  'a claim of a free code, then void (the claimant keeps it in their history and their count)': {
    setup: 'UNASSIGNED',
    first: 'claim',
    second: 'void',
    answers: ['ok', 'ok'],
    events: ['ASSIGNED', 'VOIDED'],
    after: { state: 'VOID', holder: 'other', lockedBy: null, lockRuns: false, uses: 0, standing: 0, counters: counters(null, [1, 0]) },
  },
  'void of a redeemed coupon, then the reversal of its redemption': {
    setup: 'REDEEMED',
    first: 'void',
    second: 'reverse',
    answers: ['ok', 'ok'],
    events: ['VOIDED', 'REVERSED'],
    after: { state: 'VOID', holder: 'owner', lockedBy: null, lockRuns: false, uses: 0, standing: 0, counters: counters([1, 0]) },
  },
  'the reversal of a redemption, then void': {
    setup: 'REDEEMED',
    first: 'reverse',
    second: 'void',
    answers: ['ok', 'ok'],
    events: ['REVERSED', 'VOIDED'],
    after: { state: 'VOID', holder: 'owner', lockedBy: null, lockRuns: false, uses: 0, standing: 0, counters: counters([1, 0]) },
  },

  // ── unassign ──
  "unassign, then the owner's redeem (no longer theirs)": {
    setup: 'LOCKED',
    first: 'unassign',
    second: 'redeem',
    answers: ['ok', { code: 'NOT_FOUND' }],
    events: ['UNASSIGNED'],
    after: { state: 'UNASSIGNED', holder: null, lockedBy: null, lockRuns: false, uses: 0, standing: 0, counters: counters([0, 0]) },
  },
  "the owner's redeem, then unassign (a used coupon stays)": {
    setup: 'LOCKED',
    first: 'redeem',
    second: 'unassign',
    answers: ['ok', { code: 'INVALID_STATE', details: { state: 'REDEEMED' } }],
    events: ['REDEEMED'],
    after: { state: 'REDEEMED', holder: 'owner', lockedBy: null, lockRuns: false, uses: 1, standing: 1, counters: counters([1, 1]) },
  },
  "unassign, then the owner's lock": {
    setup: 'ASSIGNED',
    first: 'unassign',
    second: 'lock',
    answers: ['ok', { code: 'NOT_FOUND' }],
    events: ['UNASSIGNED'],
    after: { state: 'UNASSIGNED', holder: null, lockedBy: null, lockRuns: false, uses: 0, standing: 0, counters: counters([0, 0]) },
  },
  "the owner's lock, then unassign (the lock ends with it)": {
    setup: 'ASSIGNED',
    first: 'lock',
    second: 'unassign',
    answers: ['ok', 'ok'],
    events: ['LOCKED', 'UNASSIGNED'],
    after: { state: 'UNASSIGNED', holder: null, lockedBy: null, lockRuns: false, uses: 0, standing: 0, counters: counters([0, 0]) },
  },
  "unassign, then the owner's unlock": {
    setup: 'LOCKED',
    first: 'unassign',
    second: 'unlock',
    answers: ['ok', { code: 'NOT_FOUND' }],
    events: ['UNASSIGNED'],
    after: { state: 'UNASSIGNED', holder: null, lockedBy: null, lockRuns: false, uses: 0, standing: 0, counters: counters([0, 0]) },
  },
  "the owner's unlock, then unassign": {
    setup: 'LOCKED',
    first: 'unlock',
    second: 'unassign',
    answers: ['ok', 'ok'],
    events: ['UNLOCKED', 'UNASSIGNED'],
    after: { state: 'UNASSIGNED', holder: null, lockedBy: null, lockRuns: false, uses: 0, standing: 0, counters: counters([0, 0]) },
  },
  'unassign, then another shopper claims the code: theirs now': {
    setup: 'ASSIGNED',
    first: 'unassign',
    second: 'claim',
    answers: ['ok', 'ok'],
    events: ['UNASSIGNED', 'ASSIGNED'],
    after: { state: 'ASSIGNED', holder: 'other', lockedBy: null, lockRuns: false, uses: 0, standing: 0, counters: counters([0, 0], [1, 0]) },
  },
  "another shopper's claim of a held code, then unassign": {
    setup: 'ASSIGNED',
    first: 'claim',
    second: 'unassign',
    answers: [{ code: 'NOT_FOUND' }, 'ok'],
    events: ['UNASSIGNED'],
    after: { state: 'UNASSIGNED', holder: null, lockedBy: null, lockRuns: false, uses: 0, standing: 0, counters: counters([0, 0]) },
  },
  'unassign of a redeemed coupon, then the reversal: refused, then ASSIGNED again': {
    setup: 'REDEEMED',
    first: 'unassign',
    second: 'reverse',
    answers: [{ code: 'INVALID_STATE', details: { state: 'REDEEMED' } }, 'ok'],
    events: ['REVERSED'],
    after: { state: 'ASSIGNED', holder: 'owner', lockedBy: null, lockRuns: false, uses: 0, standing: 0, counters: counters([1, 0]) },
  },
  'the reversal, then unassign: refused, the refunded coupon stays its redeemer’s (the redemption keeps pointing at its owner)': {
    setup: 'REDEEMED',
    first: 'reverse',
    second: 'unassign',
    answers: ['ok', { code: 'INVALID_STATE', details: { state: 'ASSIGNED' } }],
    events: ['REVERSED'],
    after: { state: 'ASSIGNED', holder: 'owner', lockedBy: null, lockRuns: false, uses: 0, standing: 0, counters: counters([1, 0]) },
  },

  // ── updateCoupon ──
  "an expiry in the past, then the owner's lock": {
    setup: 'ASSIGNED',
    first: 'expire',
    second: 'lock',
    answers: ['ok', { code: 'BOOK_NOT_ACTIVE', details: { reason: 'CODE_EXPIRED' } }],
    events: ['UPDATED'],
    after: { state: 'ASSIGNED', holder: 'owner', lockedBy: null, lockRuns: false, uses: 0, standing: 0, counters: counters([1, 0]) },
  },
  "the owner's lock, then an expiry in the past": {
    setup: 'ASSIGNED',
    first: 'lock',
    second: 'expire',
    answers: ['ok', 'ok'],
    events: ['LOCKED', 'UPDATED'],
    after: { state: 'LOCKED', holder: 'owner', lockedBy: 'owner', lockRuns: true, uses: 0, standing: 0, counters: counters([1, 0]) },
  },
  "an expiry in the past, then the owner's redeem": {
    setup: 'LOCKED',
    first: 'expire',
    second: 'redeem',
    answers: ['ok', { code: 'BOOK_NOT_ACTIVE', details: { reason: 'CODE_EXPIRED' } }],
    events: ['UPDATED'],
    after: { state: 'LOCKED', holder: 'owner', lockedBy: 'owner', lockRuns: true, uses: 0, standing: 0, counters: counters([1, 0]) },
  },
  "the owner's redeem, then an expiry in the past": {
    setup: 'LOCKED',
    first: 'redeem',
    second: 'expire',
    answers: ['ok', 'ok'],
    events: ['REDEEMED', 'UPDATED'],
    after: { state: 'REDEEMED', holder: 'owner', lockedBy: null, lockRuns: false, uses: 1, standing: 1, counters: counters([1, 1]) },
  },
  "a limit of one use on a coupon used once, then the owner's second redeem": {
    setup: 'USED_ONCE_LOCKED',
    first: 'limitToOneUse',
    second: 'redeem',
    answers: ['ok', { code: 'LIMIT_REACHED', details: { limit: 'CODE' } }],
    events: ['UPDATED'],
    after: { state: 'LOCKED', holder: 'owner', lockedBy: 'owner', lockRuns: true, uses: 1, standing: 1, counters: counters([1, 1]) },
  },
  "the owner's second redeem, then a limit of one use (below the uses so far)": {
    setup: 'USED_ONCE_LOCKED',
    first: 'redeem',
    second: 'limitToOneUse',
    answers: ['ok', { code: 'BAD_USER_INPUT', details: { field: 'maxRedemptions' } }],
    events: ['REDEEMED'],
    after: { state: 'ASSIGNED', holder: 'owner', lockedBy: null, lockRuns: false, uses: 2, standing: 2, counters: counters([1, 2]) },
  },
  'void, then an update of the void coupon': {
    setup: 'ASSIGNED',
    first: 'void',
    second: 'expire',
    answers: ['ok', { code: 'INVALID_STATE', details: { state: 'VOID' } }],
    events: ['VOIDED'],
    after: { state: 'VOID', holder: 'owner', lockedBy: null, lockRuns: false, uses: 0, standing: 0, counters: counters([1, 0]) },
  },

  // ── force unlock ──
  "force unlock, then the owner's redeem (lock it first, not LOCK_EXPIRED)": {
    setup: 'LOCKED',
    first: 'forceUnlock',
    second: 'redeem',
    answers: ['ok', { code: 'INVALID_STATE', details: { state: 'ASSIGNED' } }],
    events: ['UNLOCKED'],
    after: { state: 'ASSIGNED', holder: 'owner', lockedBy: null, lockRuns: false, uses: 0, standing: 0, counters: counters([1, 0]) },
  },
  "the owner's redeem, then force unlock": {
    setup: 'LOCKED',
    first: 'redeem',
    second: 'forceUnlock',
    answers: ['ok', { code: 'INVALID_STATE', details: { state: 'REDEEMED' } }],
    events: ['REDEEMED'],
    after: { state: 'REDEEMED', holder: 'owner', lockedBy: null, lockRuns: false, uses: 1, standing: 1, counters: counters([1, 1]) },
  },
  "force unlock, then the owner's unlock": {
    setup: 'LOCKED',
    first: 'forceUnlock',
    second: 'unlock',
    answers: ['ok', { code: 'INVALID_STATE', details: { state: 'ASSIGNED' } }],
    events: ['UNLOCKED'],
    after: { state: 'ASSIGNED', holder: 'owner', lockedBy: null, lockRuns: false, uses: 0, standing: 0, counters: counters([1, 0]) },
  },
  "the owner's unlock, then force unlock": {
    setup: 'LOCKED',
    first: 'unlock',
    second: 'forceUnlock',
    answers: ['ok', { code: 'INVALID_STATE', details: { state: 'ASSIGNED' } }],
    events: ['UNLOCKED'],
    after: { state: 'ASSIGNED', holder: 'owner', lockedBy: null, lockRuns: false, uses: 0, standing: 0, counters: counters([1, 0]) },
  },
};

/** What a serial answer looks like to `toMatchObject`. */
const asMatcher = (expected: Expected) => (expected === 'ok' ? { ok: true } : { ok: false, ...expected });

describe('two calls queued on one coupon take turns: the second answers as after the first', () => {
  it.each(Object.entries(CASES))('%s', async (_, c) => {
    const s = await scene(c.setup);
    const before = (await eventsOf(s.code)).length;
    const answers = await inTurn(s.code, () => calls[c.first](s), () => calls[c.second](s));
    expect(answers[0], `${c.first} (first)`).toMatchObject(asMatcher(c.answers[0]));
    expect(answers[1], `${c.second} (second)`).toMatchObject(asMatcher(c.answers[1]));
    expect(await eventsOf(s.code, before)).toEqual(c.events);
    expect(await rowOf(s)).toEqual(c.after);
  });
});

describe('controls racing claims that do not name the coupon or that count toward a limit', () => {
  it('void of the last free code while a random claim waits for it: SOLD_OUT, as after the void', async () => {
    const s = await scene('UNASSIGNED');
    const holder = await holdLock(t.db.pool, Prisma.sql`SELECT 1 FROM coupon WHERE code = ${s.code} FOR UPDATE`);
    const voided = track(calls.void(s));
    await lockWaiters(t.db.pool, 1, { settled: voided.settled });
    // The claim skips the held code, looks again, and at last waits for it behind the void.
    const claim = track(assignRandomCoupon(s.other.ctx, { bookId: s.bookId }));
    await lockWaiters(t.db.pool, 2, { settled: () => voided.settled() || claim.settled() });
    await holder.end('COMMIT');
    expect(label(await voided.answer)).toBe('ok');
    expect(await claim.answer).toMatchObject({ ok: false, code: 'SOLD_OUT' });
    expect(await rowOf(s)).toMatchObject({ state: 'VOID', holder: null, counters: counters(null, null) });
  });

  it('a random claim holding the last free code, then void: the claimant keeps it, voided', async () => {
    const s = await scene('UNASSIGNED');
    // The claim skips the held code, looks again, and at last waits for it; the void queues behind.
    const holder = await holdLock(t.db.pool, Prisma.sql`SELECT 1 FROM coupon WHERE code = ${s.code} FOR UPDATE`);
    const claim = track(assignRandomCoupon(s.other.ctx, { bookId: s.bookId }));
    await lockWaiters(t.db.pool, 1, { settled: claim.settled });
    const voided = track(calls.void(s));
    await lockWaiters(t.db.pool, 2, { settled: () => voided.settled() || claim.settled() });
    await holder.end('COMMIT');
    expect(label(await claim.answer)).toBe('ok');
    expect(label(await voided.answer)).toBe('ok');
    expect(await rowOf(s)).toMatchObject({ state: 'VOID', holder: 'other', counters: counters(null, [1, 0]) });
  });

  it.each([
    ['unassign, then the owner claims another code at maxAssignmentsPerUser 1: given, the assignment came back', 'unassign', 'ok', 1],
    ['the owner claims another code at maxAssignmentsPerUser 1, then unassign: LIMIT_REACHED, then given back', 'claim', 'LIMIT_REACHED', 0],
  ] as const)('%s', async (_, first, claimAnswer, heldAfter) => {
    const {
      bookId,
      codes: [held, wanted],
    } = await createBook(t.db, 2, { maxAssignmentsPerUser: 1 });
    const owner = contextFor(t.db, await createUser(t.db));
    const ownerId = owner.caller?.userId as string;
    await assignCoupon(owner, { code: held });
    // Both end on the owner's counter row for the book: hold it, and queue them on it in turn.
    const holder = await holdLock(t.db.pool, Prisma.sql`SELECT 1 FROM user_book_counter WHERE user_id = ${ownerId}::uuid AND book_id = ${bookId}::uuid FOR UPDATE`);
    const unassign = () => unassignCoupon(contextFor(t.db, t.admin), { code: held, reason: 'wrong customer' });
    const claim = () => assignCoupon(owner, { code: wanted });
    const a = track(first === 'unassign' ? unassign() : claim());
    await lockWaiters(t.db.pool, 1, { settled: a.settled });
    const b = track(first === 'unassign' ? claim() : unassign());
    await lockWaiters(t.db.pool, 2, { settled: () => a.settled() || b.settled() });
    await holder.end('COMMIT');
    const [unassigned, claimed] = first === 'unassign' ? [await a.answer, await b.answer] : [await b.answer, await a.answer];
    expect(label(unassigned)).toBe('ok');
    expect(label(claimed)).toBe(claimAnswer);
    const [row] = await t.db.prisma.$queryRaw<Array<{ assigned: number; holding: number }>>(Prisma.sql`
      SELECT u.assigned_count AS assigned,
             (SELECT count(*)::int FROM coupon c WHERE c.book_id = u.book_id AND c.assigned_user_id = u.user_id) AS holding
      FROM user_book_counter u WHERE u.user_id = ${ownerId}::uuid AND u.book_id = ${bookId}::uuid`);
    expect(row).toEqual({ assigned: heldAfter, holding: heldAfter });
  });
});

describe('plain races (rounds of Promise.all): every outcome is one that a serial order gives', () => {
  /**
   * Runs `rounds` rounds of the calls `race` at once on a fresh scene, and returns each outcome
   * (the answers in `race`'s order, then the coupon as it stands) by how often it was seen.
   */
  async function raceRounds(rounds: number, setup: Setup, race: Call[]) {
    const seen: Record<string, number> = {};
    for (let round = 0; round < rounds; round++) {
      const s = await scene(setup);
      const answers = await Promise.all(race.map((call) => track(calls[call](s)).answer));
      const row = await rowOf(s);
      const key = `${race.map((call, i) => `${call} ${label(answers[i])}`).join(', ')} → ${row.state}${row.holder ? ` (${row.holder})` : ''}, ${row.standing} redeemed, counters ${JSON.stringify(row.counters)}`;
      seen[key] = (seen[key] ?? 0) + 1;
    }
    return seen;
  }
  const unexpected = (seen: Record<string, number>, serial: string[]) => Object.keys(seen).filter((k) => !serial.includes(k));

  it("the owner's redeem, a void and an unassign of a locked coupon (15 rounds)", async () => {
    const seen = await raceRounds(15, 'LOCKED', ['redeem', 'void', 'unassign']);
    // redeem first (then void, and unassign refused either way) · void first (the rest refused) ·
    // unassign first (the redeem is NOT_FOUND, the void voids a free code).
    const serial = [
      'redeem ok, void ok, unassign INVALID_STATE → VOID (owner), 1 redeemed, counters {"owner":[1,1],"other":null}',
      'redeem INVALID_STATE, void ok, unassign INVALID_STATE → VOID (owner), 0 redeemed, counters {"owner":[1,0],"other":null}',
      'redeem NOT_FOUND, void ok, unassign ok → VOID, 0 redeemed, counters {"owner":[0,0],"other":null}',
    ];
    expect(unexpected(seen, serial), JSON.stringify(seen)).toEqual([]);
  });

  it("the owner's lock, an unassign and another shopper's claim of an assigned coupon (15 rounds)", async () => {
    const seen = await raceRounds(15, 'ASSIGNED', ['lock', 'unassign', 'claim']);
    // The unassign always goes through; the lock only before it, the claim only after it.
    const serial = [
      'lock ok, unassign ok, claim ok → ASSIGNED (other), 0 redeemed, counters {"owner":[0,0],"other":[1,0]}',
      'lock ok, unassign ok, claim NOT_FOUND → UNASSIGNED, 0 redeemed, counters {"owner":[0,0],"other":null}',
      'lock NOT_FOUND, unassign ok, claim ok → ASSIGNED (other), 0 redeemed, counters {"owner":[0,0],"other":[1,0]}',
      'lock NOT_FOUND, unassign ok, claim NOT_FOUND → UNASSIGNED, 0 redeemed, counters {"owner":[0,0],"other":null}',
    ];
    expect(unexpected(seen, serial), JSON.stringify(seen)).toEqual([]);
  });

  it("the owner's second redeem, a one-use limit and a force unlock of a multi-use coupon (15 rounds)", async () => {
    const seen = await raceRounds(15, 'USED_ONCE_LOCKED', ['redeem', 'limitToOneUse', 'forceUnlock']);
    // redeem first (the limit is then below the uses, nothing left to unlock) · the limit first
    // and then the redeem (no use left) · the unlock before the redeem (lock it first).
    const serial = [
      'redeem ok, limitToOneUse BAD_USER_INPUT, forceUnlock INVALID_STATE → ASSIGNED (owner), 2 redeemed, counters {"owner":[1,2],"other":null}',
      'redeem LIMIT_REACHED, limitToOneUse ok, forceUnlock ok → ASSIGNED (owner), 1 redeemed, counters {"owner":[1,1],"other":null}',
      'redeem INVALID_STATE, limitToOneUse ok, forceUnlock ok → ASSIGNED (owner), 1 redeemed, counters {"owner":[1,1],"other":null}',
    ];
    expect(unexpected(seen, serial), JSON.stringify(seen)).toEqual([]);
  });
});
