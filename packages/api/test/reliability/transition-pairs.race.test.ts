import { describe, expect, it } from 'vitest';
import { oddOutcomes, type PairOutcome } from './transition-pairs.ts';
import { PAIR_SCENARIOS } from './transition-pairs.scenarios.ts';
import { definePairTests, raceRounds } from './transition-pairs.suite.ts';

// The race harness of issue 12 in `pnpm test`: every pair of single-coupon transitions, serially
// in both orders, then RACE_ROUNDS (default 12) concurrent rounds, each on a fresh 1-code book.
// The soak version (transition-pairs.soak.test.ts) runs 200 rounds per pair.

describe('the harness itself', () => {
  it('names each scenario once and holds the two pairs of issue 12', () => {
    const names = PAIR_SCENARIOS.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toContain('assignRandomCoupon by u1 ‖ lockCoupon by u1 (single-use, from UNASSIGNED)');
    expect(names).toContain('assignCoupon(code) by u1 ‖ lockCoupon by u1 (single-use, from UNASSIGNED)');
  });

  it('flags a concurrent outcome that equals neither serial one, in its answers or in its row alone', () => {
    const row = {
      state: 'LOCKED', owner: 'u1', lockedBy: 'u1', lockLive: true, redemptionCount: 0, redemptions: 0, reversed: 0,
      voided: false, codeExpiry: 'none', codeMaxRedemptions: null, lockTtlMatch: true, book: 'ACTIVE', audits: {},
    } as const;
    const claimFirst: PairOutcome = { answers: ['ok', 'ok'], row: { ...row, counters: { u1: '1/0' }, events: { ASSIGNED: 1, LOCKED: 1 } } };
    const lockFirst: PairOutcome = {
      answers: ['ok', 'INVALID_STATE'],
      row: { ...row, state: 'ASSIGNED', lockedBy: null, lockLive: false, counters: { u1: '1/0' }, events: { ASSIGNED: 1 } },
    };
    const wrongAnswer: PairOutcome = { ...lockFirst, answers: ['ok', 'LIMIT_REACHED'] };
    const lockedTwice: PairOutcome = { ...claimFirst, row: { ...claimFirst.row, events: { ASSIGNED: 1, LOCKED: 2 } } };
    const seen = new Map(
      [claimFirst, lockFirst, wrongAnswer, lockedTwice].map((outcome, i) => [JSON.stringify(outcome), { outcome, count: i + 1 }]),
    );
    const odd = oddOutcomes({ ab: claimFirst, ba: lockFirst }, seen, 10);
    expect(odd).toHaveLength(2);
    expect(odd[0]).toMatch(/^3 of 10 rounds: answers \[ok \| LIMIT_REACHED\]/);
    expect(odd[1]).toMatch(/^4 of 10 rounds: .*LOCKED×2/);
  });
});

definePairTests(raceRounds(12), 60_000);
