import type { BookOptions } from '../../testing/index.ts';
import type { BookUpdate } from './transition-pairs.admin.ts';
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
// The admin controls (all by the admin).
const voidIt: PairOp = { kind: 'void' };
const unassign: PairOp = { kind: 'unassign' };
const forceUnlock: PairOp = { kind: 'forceUnlock' };
const expireCode = (at: 'now' | 'past' = 'now'): PairOp => ({ kind: 'updateCoupon', expiresAt: at });
const clearExpiry: PairOp = { kind: 'updateCoupon', expiresAt: null };
const codeUses = (maxRedemptions: number | null): PairOp => ({ kind: 'updateCoupon', maxRedemptions });
const pause: PairOp = { kind: 'bookStatus', to: 'pause' };
const archive: PairOp = { kind: 'bookStatus', to: 'archive' };
const resume: PairOp = { kind: 'bookStatus', to: 'resume' };
const updateBook = (input: BookUpdate): PairOp => ({ kind: 'updateBook', input });
const deleteBook: PairOp = { kind: 'deleteBook' };

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
  PAUSED_LOCKED: { name: 'LOCKED by u1, book PAUSED', steps: [...held, pause] },
  PAUSED_UNASSIGNED: { name: 'UNASSIGNED, book PAUSED', steps: [pause] },
  VOID_REDEEMED: { name: 'REDEEMED by u1, then VOID', steps: [...held, redeem('u1'), voidIt] },
  PAUSED_ASSIGNED: { name: 'ASSIGNED to u1, book PAUSED', steps: [claimCode('u1'), pause] },
  CODE_EXPIRED_LOCKED: { name: 'LOCKED by u1, then the code expired (updateCoupon)', steps: [...held, expireCode('past')] },
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

/** The shopper transitions (and the sweeper) against each other. */
export const SHOPPER_PAIRS: PairScenario[] = [
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

/**
 * The admin controls on a coupon or its book (void, unassign, force unlock, updateCoupon, pause /
 * archive / resume, updateBook, deleteBook) fired against each shopper transition they can
 * interleave with. A book control answers the book with its `counts` (read after its commit):
 * a shopper transition that the control's order puts before it shows there, one it puts after it
 * was refused, so a transition that commits on the old book after the control has answered is
 * an outcome of neither order.
 */
export const ADMIN_PAIRS: PairScenario[] = [
  // From UNASSIGNED: claims against the controls that can stop them.
  ...pairsFrom(SINGLE, SETUPS.UNASSIGNED, [
    [voidIt, claimCode('u1')],
    [voidIt, claimRandom('u1')],
    [pause, claimCode('u1')],
    [pause, claimRandom('u1')],
    [archive, claimCode('u1')],
    [expireCode(), claimCode('u1')],
    [expireCode(), claimRandom('u1')],
    [updateBook({ validUntil: 'now' }), claimCode('u1')],
    [updateBook({ validUntil: 'now' }), claimRandom('u1')],
    [deleteBook, claimCode('u1')],
    [deleteBook, claimRandom('u1')],
    [deleteBook, claimCode('admin', 'u1')],
    [deleteBook, claimRandom('admin', 'u1')],
  ]),
  ...pairsFrom(SINGLE, SETUPS.PAUSED_UNASSIGNED, [
    [resume, claimCode('u1')],
    [resume, claimRandom('u1')],
  ]),
  // From ASSIGNED: lock and claims by others.
  ...pairsFrom(SINGLE, SETUPS.ASSIGNED, [
    [voidIt, lock('u1')],
    [unassign, lock('u1')],
    [unassign, claimCode('u2')],
    [unassign, claimRandom('u2')],
    [unassign, voidIt],
    [forceUnlock, lock('u1')],
    [pause, lock('u1')],
    [expireCode(), lock('u1')],
    [updateBook({ validUntil: 'now' }), lock('u1')],
    [updateBook({ lockTtlSeconds: 60 }), lock('u1')],
    [deleteBook, lock('u1')],
  ]),
  // From LOCKED: redeem, unlock, and the controls against each other.
  ...pairsFrom(SINGLE, SETUPS.LOCKED, [
    [voidIt, redeem('u1')],
    [voidIt, unlock('u1')],
    [voidIt, lock('u1')],
    [unassign, redeem('u1')],
    [unassign, unlock('u1')],
    [forceUnlock, redeem('u1')],
    [forceUnlock, unlock('u1')],
    [forceUnlock, lock('u1')],
    [forceUnlock, voidIt],
    [forceUnlock, unassign],
    [pause, redeem('u1')],
    [pause, unlock('u1')],
    [archive, redeem('u1')],
    [expireCode(), redeem('u1')],
    [expireCode('past'), redeem('u1')],
    [updateBook({ validUntil: 'now' }), redeem('u1')],
    [updateBook({ maxTotalRedemptions: 1 }), redeem('u1')],
    [deleteBook, redeem('u1')],
  ]),
  ...pairsFrom(SINGLE, SETUPS.PAUSED_LOCKED, [
    [resume, redeem('u1')],
  ]),
  ...pairsFrom(SINGLE, SETUPS.PAUSED_ASSIGNED, [
    [resume, lock('u1')],
  ]),
  ...pairsFrom(SINGLE, SETUPS.CODE_EXPIRED_LOCKED, [
    [clearExpiry, redeem('u1')],
    [clearExpiry, unlock('u1')],
  ]),
  // From REDEEMED: the reversal against void and unassign.
  ...pairsFrom(SINGLE, SETUPS.REDEEMED, [
    [voidIt, reverse(0)],
    [unassign, reverse(0)],
    [codeUses(2), reverse(0)],
  ]),
  ...pairsFrom(SINGLE, SETUPS.VOID_REDEEMED, [
    [reverse(0), lock('u1')],
  ]),
  // A lock at its expiry: the controls against the sweeper.
  ...pairsFrom(SINGLE, SETUPS.EXPIRING, [
    [forceUnlock, sweep],
    [voidIt, sweep],
    [unassign, sweep],
  ]),
  // Multi-use books: the limits lowered (or raised) while the owner redeems again.
  ...pairsFrom(MULTI_2, SETUPS.REDEEMED_ONCE_LOCKED, [
    [updateBook({ maxRedemptionsPerUser: 1 }), redeem('u1')],
    [updateBook({ maxRedemptionsPerUser: 3 }), redeem('u1')],
    [updateBook({ allowMultipleRedemptions: false }), redeem('u1')],
    [codeUses(1), redeem('u1')],
    [codeUses(2), redeem('u1')],
    [voidIt, redeem('u1')],
    [voidIt, reverse(0)],
    [pause, redeem('u1')],
    [unassign, redeem('u1')],
  ]),
  ...pairsFrom(MULTI_2, SETUPS.REDEEMED_ONCE, [
    [updateBook({ maxRedemptionsPerUser: 1 }), lock('u1')],
    [updateBook({ maxRedemptionsPerUser: 1 }), reverse(0)],
  ]),
  ...pairsFrom(MULTI_2, SETUPS.REDEEMED_TWICE, [
    [updateBook({ maxRedemptionsPerUser: 1 }), reverse(1)],
    [voidIt, reverse(1)],
  ]),
  ...pairsFrom(MULTI_UNLIMITED, SETUPS.LOCKED, [
    [updateBook({ maxRedemptionsPerUser: 1 }), redeem('u1')],
    [codeUses(1), redeem('u1')],
  ]),
];

/** Every scenario the race harness runs: the shopper pairs, then the admin controls against them. */
export const PAIR_SCENARIOS: PairScenario[] = [...SHOPPER_PAIRS, ...ADMIN_PAIRS];
