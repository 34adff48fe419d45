import { describe, expect, it } from 'vitest';
import { type PlanMember, planDistribution } from './distribution.plan.ts';

const members = (n: number, assigned: number[] = []): PlanMember[] =>
  Array.from({ length: n }, (_, i) => ({ userId: `u${i}`, assignedCount: assigned[i] ?? 0 }));

describe('planDistribution EQUAL (count is the total)', () => {
  it('over 2 members with count 4 gives each member 2', () => {
    const plan = planDistribution({ mode: 'EQUAL', count: 4, members: members(2), maxPerUser: null, available: 10, seed: 's' });
    expect(plan.perUser.map((e) => e.count)).toEqual([2, 2]);
    expect(plan).toMatchObject({ requested: 4, perMember: 2, remainder: 'LEAVE_IN_BOOK', leftInBook: 0, totalAssigned: 4, shortfall: 0 });
  });

  it('gives everyone ⌊count / members⌋ when supply and limits allow', () => {
    const plan = planDistribution({ mode: 'EQUAL', count: 6, members: members(3), maxPerUser: null, available: 10, seed: 's' });
    expect(plan.perUser.map((e) => e.count)).toEqual([2, 2, 2]);
    expect(plan).toMatchObject({ requested: 6, totalAssigned: 6, shortfall: 0, skippedUsers: 0 });
  });

  it('LEAVE_IN_BOOK (the default) leaves count mod members in the book: nobody gets more than another', () => {
    const plan = planDistribution({ mode: 'EQUAL', count: 11, members: members(3), maxPerUser: null, available: 20, seed: 's' });
    expect(plan.perUser.map((e) => [e.count, e.extra])).toEqual([[3, 0], [3, 0], [3, 0]]);
    expect(plan).toMatchObject({ requested: 11, perMember: 3, remainder: 'LEAVE_IN_BOOK', leftInBook: 2, totalAssigned: 9, shortfall: 0 });
  });

  it('RANDOM_MEMBERS gives the remainder one each to that many members, chosen by the seed', () => {
    const input = { mode: 'EQUAL' as const, count: 11, members: members(3), maxPerUser: null, available: 20, seed: 's', remainder: 'RANDOM_MEMBERS' as const };
    const plan = planDistribution(input);
    expect([...plan.perUser.map((e) => e.count)].sort()).toEqual([3, 4, 4]);
    expect(plan.perUser.every((e) => e.count === 3 + e.extra && e.skippedReason === null)).toBe(true);
    expect(plan).toMatchObject({ requested: 11, perMember: 3, remainder: 'RANDOM_MEMBERS', leftInBook: 0, totalAssigned: 11, shortfall: 0 });
    expect(planDistribution(input)).toEqual(plan);
    const chosen = new Set<number>();
    for (let s = 0; s < 50; s++) {
      for (const [i, e] of planDistribution({ ...input, seed: `s${s}` }).perUser.entries()) if (e.extra) chosen.add(i);
    }
    expect(chosen.size).toBe(3);
  });

  it('RANDOM_MEMBERS chooses among members with room for the extra coupon', () => {
    const plan = planDistribution({ mode: 'EQUAL', count: 7, members: members(3, [0, 3, 0]), maxPerUser: 5, available: 20, seed: 'q', remainder: 'RANDOM_MEMBERS' });
    // Share 2; u1 has room for 2 only, so the one extra goes to u0 or u2.
    expect(plan.perUser[1]).toMatchObject({ count: 2, extra: 0, skippedReason: null });
    expect(plan.totalAssigned).toBe(7);
  });

  it('caps at each member’s remaining allowance', () => {
    const plan = planDistribution({ mode: 'EQUAL', count: 9, members: members(3, [0, 2, 5]), maxPerUser: 4, available: 100, seed: 's' });
    expect(plan.perUser).toEqual([
      { userId: 'u0', count: 3, extra: 0, skippedReason: null },
      { userId: 'u1', count: 2, extra: 0, skippedReason: 'LIMIT_REACHED' },
      { userId: 'u2', count: 0, extra: 0, skippedReason: 'LIMIT_REACHED' },
    ]);
    expect(plan).toMatchObject({ requested: 9, totalAssigned: 5, shortfall: 4, skippedUsers: 1 });
  });

  it('fills level by level when supply is short, the last level in seeded random order', () => {
    const plan = planDistribution({ mode: 'EQUAL', count: 12, members: members(4), maxPerUser: null, available: 10, seed: 'x' });
    const counts = plan.perUser.map((e) => e.count);
    expect(counts.reduce((a, b) => a + b)).toBe(10);
    expect([...counts].sort()).toEqual([2, 2, 3, 3]);
    expect(plan.perUser.filter((e) => e.count === 2).every((e) => e.skippedReason === 'SOLD_OUT')).toBe(true);
    // Deterministic in the seed.
    expect(planDistribution({ mode: 'EQUAL', count: 12, members: members(4), maxPerUser: null, available: 10, seed: 'x' })).toEqual(plan);
  });

  it('does not favour members by position across seeds', () => {
    const hits = [0, 0, 0, 0];
    for (let s = 0; s < 4000; s++) {
      const plan = planDistribution({ mode: 'EQUAL', count: 4, members: members(4), maxPerUser: null, available: 1, seed: `s${s}` });
      hits[plan.perUser.findIndex((e) => e.count === 1)]++;
    }
    for (const h of hits) expect(h).toBeGreaterThan(850);
  });
});

describe('planDistribution RANDOM', () => {
  it('hands out count coupons among members, respecting limits', () => {
    const plan = planDistribution({ mode: 'RANDOM', count: 10, members: members(4, [0, 0, 2, 0]), maxPerUser: 2, available: 100, seed: 'r' });
    const counts = plan.perUser.map((e) => e.count);
    expect(counts[2]).toBe(0);
    expect(plan.perUser[2].skippedReason).toBe('LIMIT_REACHED');
    expect(counts.every((c) => c <= 2)).toBe(true);
    expect(plan).toMatchObject({ requested: 10, totalAssigned: 6, shortfall: 4, skippedUsers: 1 });
  });

  it('is limited by supply and marks members left empty as SOLD_OUT', () => {
    const plan = planDistribution({ mode: 'RANDOM', count: 10, members: members(5), maxPerUser: null, available: 2, seed: 'r' });
    expect(plan.totalAssigned).toBe(2);
    expect(plan.perUser.filter((e) => e.count === 0).every((e) => e.skippedReason === 'SOLD_OUT')).toBe(true);
  });

  it('is uniform over members (chi-square over many coupons)', () => {
    const plan = planDistribution({ mode: 'RANDOM', count: 100_000, members: members(10), maxPerUser: null, available: 100_000, seed: 'u' });
    const expected = 10_000;
    const chi2 = plan.perUser.reduce((s, e) => s + (e.count - expected) ** 2 / expected, 0);
    expect(chi2).toBeLessThan(33.7); // 9 degrees of freedom, p = 0.0001
  });
});
