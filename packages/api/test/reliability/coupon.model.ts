import type { Outcome } from '../../testing/index.ts';

/**
 * A small in-memory model of one book's coupon state machine (../shared/DESIGN.md), written from
 * the contract rather than from the implementation: model-based tests run the same commands
 * against the real API and the model, and every answer (success or error code) must agree.
 *
 * The model is a plain value and {@link applyCommand} is pure, so a concurrent round can be
 * checked for linearizability by trying orders of its commands (see linearizability.ts).
 */

export type CouponState = 'UNASSIGNED' | 'ASSIGNED' | 'LOCKED' | 'REDEEMED';

/** The book's rules, as created. Times are epoch milliseconds of the server clock. */
export interface BookRules {
  bookId: string;
  maxAssignmentsPerUser: number | null;
  allowMultipleRedemptions: boolean;
  maxRedemptionsPerUser: number | null;
  lockTtlSeconds: number;
  validFrom: number | null;
  validUntil: number | null;
}

export interface ModelCoupon {
  code: string;
  /** The last state a transition wrote (a lock past its expiry is still LOCKED here). */
  state: CouponState;
  owner: string | null;
  lockExpiresAt: number | null;
  redemptionCount: number;
}

export interface ModelRedemption {
  id: string;
  code: string;
  userId: string;
  reversed: boolean;
}

/** The first answer of an idempotent request, replayed for a retry with the same key. */
export interface StoredAnswer {
  operation: string;
  args: string;
  response: Record<string, unknown>;
}

export interface CouponModel {
  now: number;
  rules: BookRules;
  /** Sorted by code. */
  coupons: ModelCoupon[];
  /** Coupons each user was ever assigned in the book (by userId). */
  assigned: Record<string, number>;
  /** Unreversed redemptions per user in the book. */
  redeemed: Record<string, number>;
  redemptions: ModelRedemption[];
  /** `${callerId} ${key}` → first answer. */
  answers: Record<string, StoredAnswer>;
  /**
   * Codes whose holder's lock ran out and that nobody has locked, unlocked or redeemed since:
   * a redeem says LOCK_EXPIRED for them, whether or not the sweeper has already moved them.
   */
  lapsed: string[];
}

export type Command =
  | { kind: 'assignRandom'; caller: string; userId: string | null; key: string | null }
  | { kind: 'assignCode'; caller: string; userId: string | null; code: string }
  | { kind: 'lock'; caller: string; code: string; key: string | null }
  | { kind: 'unlock'; caller: string; code: string }
  | { kind: 'redeem'; caller: string; code: string; key: string | null; metadata: Record<string, unknown> | null }
  | { kind: 'reverse'; caller: string; redemptionId: string }
  | { kind: 'distribute'; caller: string; poolMembers: string[]; mode: 'RANDOM' | 'EQUAL'; count: number };

/** Who may do what: the callers' roles by id (admins may assign to others and reverse). */
export type Roles = Record<string, 'ADMIN' | 'USER'>;

/** For a distribution: who owns each code of the book afterwards (read from the database). */
export interface DistributionEffect {
  owners: Record<string, string | null>;
}

export type Verdict = { next: CouponModel } | { mismatch: string };

export function initialModel(rules: BookRules, codes: readonly string[], now: number): CouponModel {
  return {
    now,
    rules,
    coupons: [...codes]
      .map((code) => code.toUpperCase())
      .sort()
      .map((code) => ({ code, state: 'UNASSIGNED', owner: null, lockExpiresAt: null, redemptionCount: 0 })),
    assigned: {},
    redeemed: {},
    redemptions: [],
    answers: {},
    lapsed: [],
  };
}

/** Moves the model's clock; locks past their expiry become lapsed. */
export function advanceClock(model: CouponModel, ms: number): CouponModel {
  const next = clone(model);
  next.now += ms;
  for (const c of next.coupons) {
    if (c.state === 'LOCKED' && (c.lockExpiresAt as number) <= next.now && !next.lapsed.includes(c.code)) {
      next.lapsed.push(c.code);
    }
  }
  return next;
}

/** The state every operation and read sees: an expired lock is ASSIGNED. */
export function effectiveState(model: CouponModel, coupon: ModelCoupon): CouponState {
  return coupon.state === 'LOCKED' && (coupon.lockExpiresAt as number) <= model.now ? 'ASSIGNED' : coupon.state;
}

/**
 * Checks `observed` against what the contract says `command` does on `model`, and returns the
 * model after it, or why the answer is wrong. Pure: `model` is not changed.
 */
export function applyCommand(
  model: CouponModel,
  roles: Roles,
  command: Command,
  observed: Outcome,
  effect?: DistributionEffect,
): Verdict {
  const expectation = expectationOf(model, roles, command);
  if ('error' in expectation) {
    if (observed.ok) return { mismatch: `expected ${expectation.error}, got success ${JSON.stringify(observed.data)}` };
    if (observed.code !== expectation.error) {
      return { mismatch: `expected ${expectation.error}, got ${observed.code} (${observed.message})` };
    }
    return { next: model };
  }
  if (!observed.ok) return { mismatch: `expected success, got ${observed.code} (${observed.message})` };
  return expectation.success(observed.data as Record<string, unknown>, effect);
}

type Expectation =
  | { error: string }
  | { success: (data: Record<string, unknown>, effect?: DistributionEffect) => Verdict };

const fail = (error: string): Expectation => ({ error });

function expectationOf(model: CouponModel, roles: Roles, command: Command): Expectation {
  switch (command.kind) {
    case 'assignRandom':
      return expectAssign(model, roles, command.caller, command.userId, command.key, null);
    case 'assignCode':
      return expectAssign(model, roles, command.caller, command.userId, null, command.code.toUpperCase());
    case 'lock':
      return expectLock(model, roles, command);
    case 'unlock':
      return expectUnlock(model, roles, command);
    case 'redeem':
      return expectRedeem(model, roles, command);
    case 'reverse':
      return expectReverse(model, roles, command);
    case 'distribute':
      return expectDistribute(model, roles, command);
  }
}

function isActive(model: CouponModel): boolean {
  const { validFrom, validUntil } = model.rules;
  return (validFrom === null || validFrom <= model.now) && (validUntil === null || validUntil > model.now);
}

/**
 * An idempotency key wraps `fresh`: a retry with the same operation and arguments replays the
 * stored first answer and changes nothing; other arguments are BAD_USER_INPUT; failures are
 * not remembered.
 */
function idempotent(
  model: CouponModel,
  caller: string,
  key: string | null,
  operation: string,
  args: unknown,
  compare: (stored: Record<string, unknown>, data: Record<string, unknown>) => string | null,
  fresh: () => Expectation,
): Expectation {
  if (key === null) return fresh();
  const slot = `${caller} ${key}`;
  const argsKey = JSON.stringify(args);
  const stored = model.answers[slot];
  if (stored) {
    if (stored.operation !== operation || stored.args !== argsKey) return fail('BAD_USER_INPUT');
    return {
      success: (data) => {
        const problem = compare(stored.response, data);
        return problem ? { mismatch: `retry with key ${key} must replay the first answer: ${problem}` } : { next: model };
      },
    };
  }
  const expectation = fresh();
  if ('error' in expectation) return expectation;
  return {
    success: (data, effect) => {
      const verdict = expectation.success(data, effect);
      if ('mismatch' in verdict) return verdict;
      verdict.next.answers[slot] = { operation, args: argsKey, response: data };
      return verdict;
    },
  };
}

const compareCoupon = (stored: Record<string, unknown>, data: Record<string, unknown>) =>
  differences(stored, data, ['id', 'code', 'state', 'assignedUserId', 'lockExpiresAt', 'redemptionCount']);
const compareRedemption = (stored: Record<string, unknown>, data: Record<string, unknown>) =>
  differences(stored, data, ['id', 'couponId', 'userId', 'reversedAt']);

function expectAssign(
  model: CouponModel,
  roles: Roles,
  caller: string,
  userId: string | null,
  key: string | null,
  code: string | null,
): Expectation {
  const target = userId ?? caller;
  if (target !== caller && roles[caller] !== 'ADMIN') return fail('FORBIDDEN');
  const byCode = code !== null;
  const fresh = (): Expectation => {
    const coupon = byCode ? model.coupons.find((c) => c.code === code) : undefined;
    if (byCode && !coupon) return fail('NOT_FOUND');
    // A shopper's claim of a code someone else holds reads like a code that does not exist.
    if (coupon && coupon.state !== 'UNASSIGNED' && coupon.owner !== caller && roles[caller] !== 'ADMIN') return fail('NOT_FOUND');
    if (!isActive(model)) return fail('BOOK_NOT_ACTIVE');
    if (coupon && coupon.state !== 'UNASSIGNED') return fail('INVALID_STATE');
    const free = model.coupons.filter((c) => c.state === 'UNASSIGNED').map((c) => c.code);
    if (!byCode && free.length === 0) return fail('SOLD_OUT');
    const max = model.rules.maxAssignmentsPerUser;
    if (max !== null && (model.assigned[target] ?? 0) >= max) return fail('LIMIT_REACHED');
    return {
      success: (data) => {
        const got = String(data.code);
        if (byCode ? got !== code : !free.includes(got)) return { mismatch: `assigned ${got}, which was not on offer` };
        const next = clone(model);
        const c = couponOf(next, got);
        Object.assign(c, { state: 'ASSIGNED', owner: target, lockExpiresAt: null });
        next.assigned[target] = (next.assigned[target] ?? 0) + 1;
        return checked(next, data, c);
      },
    };
  };
  const operation = byCode ? 'assignCoupon' : 'assignRandomCoupon';
  return idempotent(model, caller, key, operation, { bookId: model.rules.bookId, userId: target }, compareCoupon, fresh);
}

/**
 * The checks every single-coupon transition makes first, in the contract's order. A shopper
 * cannot probe codes: one that is not theirs (free, someone else's, or none) is NOT_FOUND; an
 * admin hears the precise reason.
 */
function ownedCoupon(model: CouponModel, roles: Roles, caller: string, code: string): { coupon: ModelCoupon } | { error: string } {
  const coupon = model.coupons.find((c) => c.code === code.toUpperCase());
  if (!coupon) return { error: 'NOT_FOUND' };
  if (roles[caller] !== 'ADMIN' && coupon.owner !== caller) return { error: 'NOT_FOUND' };
  if (coupon.state === 'UNASSIGNED') return { error: 'INVALID_STATE' };
  if (coupon.owner !== caller) return { error: 'FORBIDDEN' };
  return { coupon };
}

function expectLock(model: CouponModel, roles: Roles, command: Extract<Command, { kind: 'lock' }>): Expectation {
  const code = command.code.toUpperCase();
  return idempotent(model, command.caller, command.key, 'lockCoupon', { code }, compareCoupon, () => {
    const owned = ownedCoupon(model, roles, command.caller, code);
    if ('error' in owned) return fail(owned.error);
    if (effectiveState(model, owned.coupon) !== 'ASSIGNED') return fail('INVALID_STATE');
    if (!isActive(model)) return fail('BOOK_NOT_ACTIVE');
    return {
      success: (data) => {
        const next = clone(model);
        const c = couponOf(next, code);
        Object.assign(c, { state: 'LOCKED', lockExpiresAt: model.now + model.rules.lockTtlSeconds * 1000 });
        next.lapsed = next.lapsed.filter((l) => l !== code);
        return checked(next, data, c);
      },
    };
  });
}

function expectUnlock(model: CouponModel, roles: Roles, command: Extract<Command, { kind: 'unlock' }>): Expectation {
  const owned = ownedCoupon(model, roles, command.caller, command.code);
  if ('error' in owned) return fail(owned.error);
  if (effectiveState(model, owned.coupon) !== 'LOCKED') return fail('INVALID_STATE');
  return {
    success: (data) => {
      const next = clone(model);
      const c = couponOf(next, owned.coupon.code);
      Object.assign(c, { state: 'ASSIGNED', lockExpiresAt: null });
      return checked(next, data, c);
    },
  };
}

function expectRedeem(model: CouponModel, roles: Roles, command: Extract<Command, { kind: 'redeem' }>): Expectation {
  const code = command.code.toUpperCase();
  const args = { code, metadata: command.metadata };
  return idempotent(model, command.caller, command.key, 'redeemCoupon', args, compareRedemption, () => {
    const owned = ownedCoupon(model, roles, command.caller, code);
    if ('error' in owned) return fail(owned.error);
    const state = effectiveState(model, owned.coupon);
    if (state === 'ASSIGNED' && model.lapsed.includes(code)) return fail('LOCK_EXPIRED');
    if (state !== 'LOCKED') return fail('INVALID_STATE');
    if (!isActive(model)) return fail('BOOK_NOT_ACTIVE');
    const { allowMultipleRedemptions, maxRedemptionsPerUser: max } = model.rules;
    const used = model.redeemed[command.caller] ?? 0;
    if (max !== null && used >= max) return fail('LIMIT_REACHED');
    return {
      success: (data) => {
        const next = clone(model);
        const c = couponOf(next, code);
        const usedUp = !allowMultipleRedemptions || (max !== null && used + 1 >= max);
        Object.assign(c, { state: usedUp ? 'REDEEMED' : 'ASSIGNED', lockExpiresAt: null, redemptionCount: c.redemptionCount + 1 });
        next.redeemed[command.caller] = used + 1;
        next.redemptions.push({ id: String(data.id), code, userId: command.caller, reversed: false });
        const problem =
          differences({ userId: command.caller, reversedAt: null, coupon: { code } }, data, ['userId', 'reversedAt', 'coupon']) ??
          (model.redemptions.some((r) => r.id === data.id) ? `redemption id ${String(data.id)} reused` : null);
        return problem ? { mismatch: problem } : { next };
      },
    };
  });
}

function expectReverse(model: CouponModel, roles: Roles, command: Extract<Command, { kind: 'reverse' }>): Expectation {
  if (roles[command.caller] !== 'ADMIN') return fail('FORBIDDEN');
  const redemption = model.redemptions.find((r) => r.id === command.redemptionId);
  if (!redemption) return fail('NOT_FOUND');
  if (redemption.reversed) return fail('INVALID_STATE');
  return {
    success: (data) => {
      const next = clone(model);
      const r = next.redemptions.find((x) => x.id === redemption.id) as ModelRedemption;
      r.reversed = true;
      const c = couponOf(next, r.code);
      c.redemptionCount = Math.max(0, c.redemptionCount - 1);
      if (c.state === 'REDEEMED') c.state = 'ASSIGNED';
      next.redeemed[r.userId] = Math.max(0, (next.redeemed[r.userId] ?? 0) - 1);
      if (data.id !== r.id || data.reversedAt === null) return { mismatch: `reversal answered ${JSON.stringify(data)}` };
      return { next };
    },
  };
}

/**
 * EQUAL (count is the total) gives each member min(⌊count / members⌋, room under the limit), level
 * by level when the book runs short, and leaves count mod members in the book (the default
 * remainder); RANDOM hands out min(count, available, total room). Which coupons go where is random:
 * the test reads the owners from the database and the model checks the shares.
 */
function expectDistribute(model: CouponModel, roles: Roles, command: Extract<Command, { kind: 'distribute' }>): Expectation {
  if (roles[command.caller] !== 'ADMIN') return fail('FORBIDDEN');
  if (!isActive(model)) return fail('BOOK_NOT_ACTIVE');
  const max = model.rules.maxAssignmentsPerUser;
  const room = command.poolMembers.map((u) => (max === null ? Number.POSITIVE_INFINITY : Math.max(0, max - (model.assigned[u] ?? 0))));
  const available = model.coupons.filter((c) => c.state === 'UNASSIGNED').length;
  const share = Math.floor(command.count / command.poolMembers.length);
  if (command.mode === 'EQUAL' && share === 0) return fail('BAD_USER_INPUT');
  const want = room.map((r) => (command.mode === 'EQUAL' ? Math.min(share, r) : r));
  const total =
    command.mode === 'EQUAL'
      ? Math.min(want.reduce((a, b) => a + b, 0), available)
      : Math.min(command.count, available, room.reduce((a, b) => a + b, 0));
  if (total === 0) return fail(available === 0 ? 'SOLD_OUT' : 'LIMIT_REACHED');
  const requested = command.count;
  return {
    success: (data, effect) => {
      if (data.assigned !== total || data.requested !== requested) {
        return { mismatch: `expected ${total} of ${requested} assigned, got ${data.assigned} of ${data.requested}` };
      }
      if (!effect) return { mismatch: 'a distribution needs the owners read back from the database' };
      const next = clone(model);
      const gained: Record<string, number> = {};
      for (const c of next.coupons) {
        const owner = effect.owners[c.code] ?? null;
        if (owner === c.owner) continue;
        if (c.state !== 'UNASSIGNED' || owner === null) return { mismatch: `coupon ${c.code} changed owner from ${c.owner} to ${owner}` };
        Object.assign(c, { state: 'ASSIGNED', owner, lockExpiresAt: null });
        gained[owner] = (gained[owner] ?? 0) + 1;
        next.assigned[owner] = (next.assigned[owner] ?? 0) + 1;
      }
      const shares = command.poolMembers.map((u) => gained[u] ?? 0);
      if (shares.reduce((a, b) => a + b, 0) !== total) return { mismatch: `moved ${JSON.stringify(gained)}, expected ${total} coupons` };
      for (let i = 0; i < shares.length; i++) {
        if (shares[i] > want[i]) return { mismatch: `member ${i} got ${shares[i]}, more than ${want[i]}` };
        // EQUAL fills level by level: nobody with room left is two levels below anyone else.
        if (command.mode === 'EQUAL' && shares[i] < want[i] && shares.some((s) => s > shares[i] + 1)) {
          return { mismatch: `EQUAL shares ${JSON.stringify(shares)} are not level (want ${JSON.stringify(want)})` };
        }
      }
      return { next };
    },
  };
}

function couponOf(model: CouponModel, code: string): ModelCoupon {
  const coupon = model.coupons.find((c) => c.code === code);
  if (!coupon) throw new Error(`model has no coupon ${code}`);
  return coupon;
}

/** A transition's answer must show the coupon as the model now has it. */
function checked(next: CouponModel, data: Record<string, unknown>, coupon: ModelCoupon): Verdict {
  const expected = {
    code: coupon.code,
    state: coupon.state,
    assignedUserId: coupon.owner,
    lockExpiresAt: coupon.lockExpiresAt === null ? null : new Date(coupon.lockExpiresAt).toISOString(),
    redemptionCount: coupon.redemptionCount,
  };
  const problem = differences(expected, data, Object.keys(expected));
  return problem ? { mismatch: problem } : { next };
}

function differences(expected: Record<string, unknown>, actual: Record<string, unknown>, fields: string[]): string | null {
  const wrong = fields.filter((f) => JSON.stringify(expected[f] ?? null) !== JSON.stringify(actual[f] ?? null));
  if (wrong.length === 0) return null;
  return wrong.map((f) => `${f}: expected ${JSON.stringify(expected[f])}, got ${JSON.stringify(actual[f])}`).join('; ');
}

export function clone(model: CouponModel): CouponModel {
  return structuredClone(model);
}

/** What the database must show for the book when the model is right (effective states). */
export function expectedSnapshot(model: CouponModel, users: readonly string[]): BookSnapshot {
  return {
    coupons: model.coupons.map((c) => {
      const state = effectiveState(model, c);
      return {
        code: c.code,
        state,
        owner: c.owner,
        redemptionCount: c.redemptionCount,
        lockExpiresAt: state === 'LOCKED' ? new Date(c.lockExpiresAt as number).toISOString() : null,
      };
    }),
    counters: Object.fromEntries(users.map((u) => [u, { assigned: model.assigned[u] ?? 0, redeemed: model.redeemed[u] ?? 0 }])),
    redemptions: model.redemptions
      .map((r) => ({ id: r.id, code: r.code, userId: r.userId, reversed: r.reversed }))
      .sort((a, b) => a.id.localeCompare(b.id)),
  };
}

/** A book as the database has it, in the shape of {@link expectedSnapshot}. */
export interface BookSnapshot {
  coupons: Array<{ code: string; state: CouponState; owner: string | null; redemptionCount: number; lockExpiresAt: string | null }>;
  counters: Record<string, { assigned: number; redeemed: number }>;
  redemptions: Array<{ id: string; code: string; userId: string; reversed: boolean }>;
}
