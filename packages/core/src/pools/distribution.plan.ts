import { SeededRandom } from './seeded-random.ts';

export type DistributionMode = 'RANDOM' | 'EQUAL';

/**
 * EQUAL only: where the `count mod members` coupons that do not divide evenly go. RANDOM_MEMBERS:
 * one more each to that many members chosen at random (among those with room for it);
 * LEAVE_IN_BOOK: they stay in the book, so nobody gets more than anyone else.
 */
export type DistributionRemainder = 'RANDOM_MEMBERS' | 'LEAVE_IN_BOOK';

/** Why a member gets fewer coupons than the mode meant for them. */
export type SkipReason = 'LIMIT_REACHED' | 'SOLD_OUT';

/** A pool member and how many coupons of the book they have ever been assigned. */
export interface PlanMember {
  userId: string;
  assignedCount: number;
}

/** Everything a plan depends on: the same input always gives the same plan. */
export interface PlanInput {
  mode: DistributionMode;
  count: number;
  members: readonly PlanMember[];
  /** The book's maxAssignmentsPerUser (null = unlimited). */
  maxPerUser: number | null;
  /** Unassigned coupons that can be handed out. */
  available: number;
  seed: string;
  /** EQUAL: the remainder rule (null means LEAVE_IN_BOOK); ignored by RANDOM. */
  remainder?: DistributionRemainder | null;
}

/** One member's share. */
export interface PlanEntry {
  userId: string;
  count: number;
  /** EQUAL: 1 when the member was chosen for one of the remainder's coupons (RANDOM_MEMBERS), else 0. */
  extra: number;
  /**
   * Set when the member gets less than the mode meant (EQUAL: fewer than ⌊count / members⌋ plus
   * their `extra`; RANDOM: excluded or sold out).
   */
  skippedReason: SkipReason | null;
}

/** What a distribution will do (preview) or did (distribute): computed by {@link planDistribution} only. */
export interface DistributionPlan {
  mode: DistributionMode;
  seed: string;
  /** `count`, the total asked for, in both modes. */
  requested: number;
  /** EQUAL: ⌊count / members⌋, what each member is meant to get before the remainder; null for RANDOM. */
  perMember: number | null;
  /** EQUAL: the remainder rule applied; null for RANDOM. */
  remainder: DistributionRemainder | null;
  /** EQUAL with LEAVE_IN_BOOK: the `count mod members` coupons left in the book on purpose; else 0. */
  leftInBook: number;
  available: number;
  perUser: PlanEntry[];
  totalAssigned: number;
  /** requested − leftInBook − totalAssigned: what limits or the book's supply kept from members. */
  shortfall: number;
  /** Members who get nothing, for a reason (limit reached or nothing left). */
  skippedUsers: number;
}

/**
 * Plans a distribution; `count` is the total in both modes. EQUAL gives every member
 * ⌊count / members⌋ coupons, and the `count mod members` left over either to that many members
 * chosen at random (RANDOM_MEMBERS, one each) or to nobody (LEAVE_IN_BOOK); each share is capped
 * by the member's remaining allowance, and when the book cannot cover everyone it fills level by
 * level (everyone gets 1, then 2 …), the last, partial level going to members in a seeded random
 * order, so nobody is favoured by their id. RANDOM hands out `count` coupons one at a time, each
 * to a uniformly random member among those still below their limit. Pure and deterministic in
 * `input` (the seed drives every random choice), which is how preview and distribution agree.
 */
export function planDistribution(input: PlanInput): DistributionPlan {
  const capacity = input.members.map((m) =>
    input.maxPerUser === null ? Number.POSITIVE_INFINITY : Math.max(0, input.maxPerUser - m.assignedCount),
  );
  const rng = new SeededRandom(input.seed);
  const equal = input.mode === 'EQUAL';
  const { counts, reasons, extra } = equal ? planEqual(input, capacity, rng) : planRandom(input, capacity, rng);
  const perUser = input.members.map((m, i) => ({ userId: m.userId, count: counts[i], extra: extra[i], skippedReason: reasons[i] }));
  const requested = input.count;
  const remainder = equal ? (input.remainder ?? 'LEAVE_IN_BOOK') : null;
  const leftInBook = remainder === 'LEAVE_IN_BOOK' && input.members.length > 0 ? input.count % input.members.length : 0;
  const totalAssigned = counts.reduce((a, b) => a + b, 0);
  return {
    mode: input.mode,
    seed: input.seed,
    requested,
    perMember: equal ? equalShare(input.count, input.members.length) : null,
    remainder,
    leftInBook,
    available: input.available,
    perUser,
    totalAssigned,
    shortfall: requested - leftInBook - totalAssigned,
    skippedUsers: perUser.filter((e) => e.count === 0 && e.skippedReason !== null).length,
  };
}

type Shares = { counts: number[]; reasons: Array<SkipReason | null>; extra: number[] };

/** ⌊count / members⌋ (0 for an empty pool). */
export function equalShare(count: number, members: number): number {
  return members > 0 ? Math.floor(count / members) : 0;
}

function planEqual(input: PlanInput, capacity: number[], rng: SeededRandom): Shares {
  const share = equalShare(input.count, input.members.length);
  const extra = capacity.map(() => 0);
  const rest = input.members.length > 0 ? input.count % input.members.length : 0;
  if (input.remainder === 'RANDOM_MEMBERS' && rest > 0) {
    // Chosen among members with room for one more than the share, so the extra coupons land.
    const roomy = rng.shuffle(capacity.map((c, i) => (c > share ? i : -1)).filter((i) => i >= 0));
    for (const i of roomy.slice(0, rest)) extra[i] = 1;
  }
  const target = extra.map((e) => share + e);
  const want = capacity.map((c, i) => Math.min(target[i], c));
  const top = Math.max(0, ...want);
  const sumAt = (level: number) => want.reduce((sum, w) => sum + Math.min(w, level), 0);
  let counts: number[];
  if (sumAt(top) <= input.available) {
    counts = want;
  } else {
    // The highest full level the supply covers, by binary search (sumAt is monotone in level).
    let lo = 0;
    let hi = top;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (sumAt(mid) <= input.available) lo = mid;
      else hi = mid - 1;
    }
    counts = want.map((w) => Math.min(w, lo));
    let leftover = input.available - sumAt(lo);
    const nextLevel = rng.shuffle(want.map((w, i) => (w > lo ? i : -1)).filter((i) => i >= 0));
    for (const i of nextLevel) {
      if (leftover === 0) break;
      counts[i] += 1;
      leftover -= 1;
    }
  }
  const reasons = counts.map((got, i): SkipReason | null => {
    if (got >= target[i]) return null;
    return got < want[i] ? 'SOLD_OUT' : 'LIMIT_REACHED';
  });
  return { counts, reasons, extra };
}

function planRandom(input: PlanInput, capacity: number[], rng: SeededRandom): Shares {
  const counts = capacity.map(() => 0);
  const eligible = capacity.map((c, i) => (c > 0 ? i : -1)).filter((i) => i >= 0);
  let toGive = Math.min(input.count, input.available);
  while (toGive > 0 && eligible.length > 0) {
    const k = rng.nextInt(eligible.length);
    const member = eligible[k];
    counts[member] += 1;
    toGive -= 1;
    if (counts[member] >= capacity[member]) {
      // Full: swap-remove, so every pick stays O(1) and uniform over members with room.
      eligible[k] = eligible[eligible.length - 1];
      eligible.pop();
    }
  }
  const soldOut = input.available < input.count;
  const reasons = counts.map((got, i): SkipReason | null => {
    if (capacity[i] === 0) return 'LIMIT_REACHED';
    return got === 0 && soldOut ? 'SOLD_OUT' : null;
  });
  return { counts, reasons, extra: counts.map(() => 0) };
}
