import type { BookOptions } from '../../testing/index.ts';
import { type Actor, describeOp, type PairOp, type PairScenario, type PairSetup } from './transition-pairs.ts';

/**
 * Every pair of single-coupon transitions the race harness (transition-pairs.ts) fires at once,
 * from the state where both can matter. `u1` owns the coupon wherever the setup assigns it; `u2`
 * is another shopper; the admin assigns on someone's behalf (`userId`) and reverses.
 */

const claimRandom = (by: Actor, forUser?: Actor): PairOp => ({ kind: 'assignRandom', by, ...(forUser ? { for: forUser } : {}) });
const claimCode = (by: Actor, forUser?: Actor): PairOp => ({ kind: 'assignCode', by, ...(forUser ? { for: forUser } : {}) });
const lock = (by: Actor): PairOp => ({ kind: 'lock', by });
const unlock = (by: Actor): PairOp => ({ kind: 'unlock', by });
const redeem = (by: Actor): PairOp => ({ kind: 'redeem', by });
const reverse = (redemption: number): PairOp => ({ kind: 'reverse', redemption });
const sweep: PairOp = { kind: 'sweep' };

/** Books: no limit in play unless the name says so. */
const SINGLE: BookOptions = {};
const ONE_PER_USER: BookOptions = { maxAssignmentsPerUser: 1 };
const MULTI_2: BookOptions = { allowMultipleRedemptions: true, maxRedemptionsPerUser: 2 };
const MULTI_UNLIMITED: BookOptions = { allowMultipleRedemptions: true, maxRedemptionsPerUser: null };

const held = [claimCode('u1'), lock('u1')];
const SETUPS = {
  UNASSIGNED: { name: 'UNASSIGNED', steps: [] },
  ASSIGNED: { name: 'ASSIGNED to u1', steps: [claimCode('u1')] },
  LOCKED: { name: 'LOCKED by u1', steps: held },
  EXPIRING: { name: 'LOCKED by u1, lock at its expiry, not swept', steps: held, expireLock: true },
  REDEEMED: { name: 'REDEEMED by u1', steps: [...held, redeem('u1')] },
  REVERSED_LOCKED: { name: 'redeemed, reversed, LOCKED again by u1', steps: [...held, redeem('u1'), reverse(0), lock('u1')] },
  REDEEMED_ONCE: { name: 'redeemed once, ASSIGNED to u1', steps: [...held, redeem('u1')] },
  REDEEMED_ONCE_LOCKED: { name: 'redeemed once, LOCKED again by u1', steps: [...held, redeem('u1'), lock('u1')] },
  REDEEMED_ONCE_EXPIRING: {
    name: 'redeemed once, LOCKED again by u1, lock at its expiry',
    steps: [...held, redeem('u1'), lock('u1')],
    expireLock: true,
  },
  REDEEMED_TWICE: { name: 'redeemed twice, REDEEMED (limit 2)', steps: [...held, redeem('u1'), lock('u1'), redeem('u1')] },
} satisfies Record<string, PairSetup>;

function pair(book: BookOptions, setup: PairSetup, a: PairOp, b: PairOp, extra: Partial<PairScenario> = {}): PairScenario {
  const variant = book === SINGLE ? 'single-use' : book === ONE_PER_USER ? 'maxAssignmentsPerUser 1' : book === MULTI_2 ? 'multi-use, 2 per user' : 'multi-use, unlimited';
  return { name: `${describeOp(a)} ‖ ${describeOp(b)} (${variant}, from ${setup.name})`, book, setup, ops: [a, b], ...extra };
}

/** The races of `book` from `setup`: each `[a, b]` (with what a scenario adds, if anything) one pair. */
function pairsFrom(book: BookOptions, setup: PairSetup, races: Array<[PairOp, PairOp, Partial<PairScenario>?]>): PairScenario[] {
  return races.map(([a, b, extra]) => pair(book, setup, a, b, extra));
}

/**
 * Claim ‖ lock of one user: claim first gives ok+ok; lock first refuses, then the claim. (Issue 12
 * wrote the refusal as INVALID_STATE; since codes cannot be probed (issue 14), a shopper locking a
 * code that is not yet theirs hears NOT_FOUND, as for any code they do not own.) The race of issue
 * 12 needs the lock to start inside the claim's statement: three times the rounds.
 */
const CLAIM_THEN_LOCK = { serialAnswers: { ab: ['ok', 'ok'], ba: ['ok', 'NOT_FOUND'] }, weight: 3 } as const;

/** The two pairs of issue 12, which answered LIMIT_REACHED where no limit is in play. */
export const ISSUE_PAIRS: PairScenario[] = [
  pair(SINGLE, SETUPS.UNASSIGNED, claimRandom('u1'), lock('u1'), CLAIM_THEN_LOCK),
  pair(SINGLE, SETUPS.UNASSIGNED, claimCode('u1'), lock('u1'), CLAIM_THEN_LOCK),
];

export const PAIR_SCENARIOS: PairScenario[] = [
  ...ISSUE_PAIRS,
  // Claims, from UNASSIGNED: same user, two users, admin on a user's behalf.
  ...pairsFrom(SINGLE, SETUPS.UNASSIGNED, [
    [claimCode('admin', 'u1'), lock('u1'), CLAIM_THEN_LOCK],
    [claimRandom('admin', 'u1'), lock('u1'), CLAIM_THEN_LOCK],
  ]),
  ...pairsFrom(ONE_PER_USER, SETUPS.UNASSIGNED, [
    [claimRandom('u1'), lock('u1'), CLAIM_THEN_LOCK],
    [claimCode('u1'), lock('u1'), CLAIM_THEN_LOCK],
  ]),
  ...pairsFrom(SINGLE, SETUPS.UNASSIGNED, [
    [claimCode('u1'), unlock('u1')],
    [claimCode('u1'), redeem('u1')],
    [claimCode('u2'), lock('u1')],
    [claimRandom('u1'), claimRandom('u1')],
    [claimCode('u1'), claimCode('u1')],
    [claimRandom('u1'), claimCode('u1')],
  ]),
  ...pairsFrom(ONE_PER_USER, SETUPS.UNASSIGNED, [
    [claimRandom('u1'), claimCode('u1')],
  ]),
  ...pairsFrom(SINGLE, SETUPS.UNASSIGNED, [
    [claimRandom('u1'), claimRandom('u2')],
    [claimCode('u1'), claimCode('u2')],
    [claimRandom('u1'), claimCode('u2')],
    [claimCode('admin', 'u1'), claimCode('u2')],
    [claimRandom('admin', 'u1'), claimRandom('u1')],
    [claimCode('u1'), sweep],
  ]),
  // Lock, from ASSIGNED.
  ...pairsFrom(SINGLE, SETUPS.ASSIGNED, [
    [lock('u1'), lock('u1')],
    [lock('u1'), lock('u2')],
    [lock('u1'), unlock('u1')],
    [lock('u1'), redeem('u1')],
    [lock('u1'), claimCode('u1')],
    [lock('u1'), claimCode('u2')],
    [lock('u1'), claimCode('admin', 'u2')],
    [lock('u1'), claimRandom('u2')],
    [lock('u1'), sweep],
  ]),
  // Redeem and unlock, from LOCKED.
  ...pairsFrom(SINGLE, SETUPS.LOCKED, [
    [redeem('u1'), redeem('u1')],
    [redeem('u1'), redeem('u2')],
    [redeem('u1'), unlock('u1')],
    [redeem('u1'), lock('u1')],
    [unlock('u1'), unlock('u1')],
    [unlock('u1'), lock('u1')],
    [unlock('u1'), lock('u2')],
    [redeem('u1'), sweep],
  ]),
  // Expiry: a lock exactly at its expiry, with the sweeper (a second API process) or lazily.
  ...pairsFrom(SINGLE, SETUPS.EXPIRING, [
    [sweep, redeem('u1')],
    [sweep, lock('u1')],
    [sweep, unlock('u1')],
    [sweep, sweep],
    [sweep, claimCode('u2')],
    [lock('u1'), redeem('u1')],
    [lock('u1'), lock('u1')],
    [lock('u1'), unlock('u1')],
  ]),
  // Reversal, from REDEEMED.
  ...pairsFrom(SINGLE, SETUPS.REDEEMED, [
    [reverse(0), redeem('u1')],
    [reverse(0), reverse(0)],
    [reverse(0), lock('u1')],
    [reverse(0), claimCode('u2')],
  ]),
  ...pairsFrom(SINGLE, SETUPS.REVERSED_LOCKED, [
    [redeem('u1'), reverse(0)],
  ]),
  // Multi-use books: a redemption returns the coupon to ASSIGNED until the user's limit.
  ...pairsFrom(MULTI_2, SETUPS.LOCKED, [
    [redeem('u1'), redeem('u1')],
    [redeem('u1'), lock('u1')],
    [redeem('u1'), unlock('u1')],
  ]),
  ...pairsFrom(MULTI_2, SETUPS.REDEEMED_ONCE_LOCKED, [
    [redeem('u1'), reverse(0)],
    [unlock('u1'), reverse(0)],
  ]),
  ...pairsFrom(MULTI_2, SETUPS.REDEEMED_ONCE, [
    [lock('u1'), reverse(0)],
  ]),
  ...pairsFrom(MULTI_2, SETUPS.REDEEMED_TWICE, [
    [reverse(0), reverse(1)],
    [reverse(1), lock('u1')],
  ]),
  ...pairsFrom(MULTI_2, SETUPS.REDEEMED_ONCE_EXPIRING, [
    [sweep, reverse(0)],
    [sweep, redeem('u1')],
  ]),
  ...pairsFrom(MULTI_UNLIMITED, SETUPS.LOCKED, [
    [redeem('u1'), lock('u1')],
    [redeem('u1'), redeem('u1')],
  ]),
];
