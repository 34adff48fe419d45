import { SeededRandom } from './seeded-random.ts';

export type DistributionMode = 'RANDOM' | 'EQUAL';

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
}

/** One member's share. */
export interface PlanEntry {
  userId: string;
  count: number;
  /** Set when the member gets less than the mode meant (EQUAL: fewer than `count`; RANDOM: excluded or sold out). */
  skippedReason: SkipReason | null;
}

/** What a distribution will do (preview) or did (distribute): computed by {@link planDistribution} only. */
export interface DistributionPlan {
  mode: DistributionMode;
  seed: string;
  /** RANDOM: `count`; EQUAL: `count` × members. */
  requested: number;
  available: number;
  perUser: PlanEntry[];
  totalAssigned: number;
  shortfall: number;
  /** Members who get nothing, for a reason (limit reached or nothing left). */
  skippedUsers: number;
}

/**
 * Plans a distribution. EQUAL gives every member `count` coupons, capped by each member's
 * remaining allowance; when the book cannot cover everyone it fills level by level (everyone
 * gets 1, then 2 …), and the last, partial level goes to members in a seeded random order, so
 * nobody is favoured by their id. RANDOM hands out `count` coupons one at a time, each to a
 * uniformly random member among those still below their limit. Pure and deterministic in
 * `input` (the seed drives every random choice), which is how preview and distribution agree.
 */
export function planDistribution(input: PlanInput): DistributionPlan {
  const capacity = input.members.map((m) =>
    input.maxPerUser === null ? Number.POSITIVE_INFINITY : Math.max(0, input.maxPerUser - m.assignedCount),
  );
  const rng = new SeededRandom(input.seed);
  const { counts, reasons } =
    input.mode === 'EQUAL' ? planEqual(input, capacity, rng) : planRandom(input, capacity, rng);
  const perUser = input.members.map((m, i) => ({ userId: m.userId, count: counts[i], skippedReason: reasons[i] }));
  const requested = input.mode === 'EQUAL' ? input.count * input.members.length : input.count;
  const totalAssigned = counts.reduce((a, b) => a + b, 0);
  return {
    mode: input.mode,
    seed: input.seed,
    requested,
    available: input.available,
    perUser,
    totalAssigned,
    shortfall: requested - totalAssigned,
    skippedUsers: perUser.filter((e) => e.count === 0 && e.skippedReason !== null).length,
  };
}

type Shares = { counts: number[]; reasons: Array<SkipReason | null> };

function planEqual(input: PlanInput, capacity: number[], rng: SeededRandom): Shares {
  const want = capacity.map((c) => Math.min(input.count, c));
  const sumAt = (level: number) => want.reduce((sum, w) => sum + Math.min(w, level), 0);
  let counts: number[];
  if (sumAt(input.count) <= input.available) {
    counts = want;
  } else {
    // The highest full level the supply covers, by binary search (sumAt is monotone in level).
    let lo = 0;
    let hi = input.count;
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
    if (got >= input.count) return null;
    return got < want[i] ? 'SOLD_OUT' : 'LIMIT_REACHED';
  });
  return { counts, reasons };
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
  return { counts, reasons };
}
