import { randomBytes, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import {
  type ApiUser,
  call,
  type Campaign,
  createCampaign,
  createPool,
  createUsers,
  describeOutcome,
  OPS,
  type Outcome,
  type TestServer,
} from '../../testing/index.ts';
import { readBookSnapshot, readOwners } from './book.snapshot.ts';
import {
  advanceClock,
  applyCommand,
  type BookSnapshot,
  type Command,
  type CouponModel,
  type CouponState,
  effectiveState,
  expectedSnapshot,
  initialModel,
  type Roles,
} from './coupon.model.ts';
import { linearize, type Observation } from './linearizability.ts';

/** The callers every run shares: an admin, some users, and a pool of all the users. */
export interface ModelWorld {
  server: TestServer;
  admin: ApiUser;
  users: ApiUser[];
  poolId: string;
  roles: Roles;
  tokens: Record<string, string>;
}

export async function createWorld(server: TestServer, userCount: number): Promise<ModelWorld> {
  const [[admin], users] = await Promise.all([createUsers(server, 1, 'ADMIN'), createUsers(server, userCount)]);
  const poolId = await createPool(server, admin, users);
  const everyone = [admin, ...users];
  return {
    server,
    admin,
    users,
    poolId,
    roles: Object.fromEntries(everyone.map((u) => [u.id, u.role])),
    tokens: Object.fromEntries(everyone.map((u) => [u.id, u.token])),
  };
}

// ---- Abstract steps: what fast-check generates and shrinks (indices, not ids) ----------------

/** A book's settings for one run. */
export interface BookPlan {
  codes: number;
  maxAssignmentsPerUser: number | null;
  allowMultipleRedemptions: boolean;
  maxRedemptionsPerUser: number | null;
  lockTtlSeconds: number;
  /** `closes`: valid for a few lock lifetimes; `opens`: valid from a little later. */
  window: 'open' | 'closes' | 'opens';
}

type KeyName = 'k1' | 'k2' | 'k3' | null;

/**
 * Which code a step names: a slot of the book (the last slot is a code that does not exist), or
 * one of the coupons the caller holds (by position, when they hold any), so that sequences
 * like lock → expire → redeem by the owner come up often.
 */
export type CodeRef = number | { mine: number };

export type Step =
  | { kind: 'assignRandom'; user: number; by: 'self' | 'admin' | 'otherUser'; key: KeyName }
  | { kind: 'assignCode'; user: number; code: CodeRef; by: 'self' | 'admin'; lower: boolean }
  | { kind: 'lock'; user: number; code: CodeRef; key: KeyName; lower: boolean }
  | { kind: 'unlock'; user: number; code: CodeRef }
  | { kind: 'redeem'; user: number; code: CodeRef; key: KeyName; order: number | null }
  | { kind: 'reverse'; redemption: number }
  | { kind: 'distribute'; mode: 'RANDOM' | 'EQUAL'; count: number }
  | { kind: 'advance'; by: 'ttl' | 'justUnderTtl' | number }
  /** Waits until the lock sweeper has moved every expired lock of the book (changes no answer). */
  | { kind: 'sweep' };

export function bookPlanArbitrary(maxCodes: number): fc.Arbitrary<BookPlan> {
  return fc.record({
    codes: fc.integer({ min: 1, max: maxCodes }),
    maxAssignmentsPerUser: fc.option(fc.integer({ min: 1, max: 3 }), { freq: 2 }),
    allowMultipleRedemptions: fc.boolean(),
    maxRedemptionsPerUser: fc.option(fc.integer({ min: 1, max: 3 }), { freq: 2 }),
    lockTtlSeconds: fc.integer({ min: 1, max: 600 }),
    window: fc.constantFrom<BookPlan['window']>('open', 'open', 'open', 'closes', 'opens'),
  });
}

/**
 * Steps over `users` users and `codes` code slots (the last slot is a code that does not exist).
 * User numbers from `users` up name one of the users who hold coupons, so that steps often
 * come from someone with something to lock or redeem.
 */
export function stepArbitrary(users: number, codes: number, options: { distribute: boolean; advance: boolean }): fc.Arbitrary<Step> {
  const user = fc.nat({ max: 2 * users - 1 });
  const code: fc.Arbitrary<CodeRef> = fc.oneof(
    { weight: 1, arbitrary: fc.nat({ max: codes }) },
    { weight: 3, arbitrary: fc.record({ mine: fc.nat({ max: 2 }) }) },
  );
  const key = fc.constantFrom<KeyName>(null, null, 'k1', 'k2', 'k3');
  const steps: Array<fc.WeightedArbitrary<Step>> = [
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('assignRandom' as const), user, by: fc.constantFrom('self', 'self', 'admin', 'otherUser' as const), key }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('assignCode' as const), user, code, by: fc.constantFrom('self', 'admin' as const), lower: fc.boolean() }) },
    { weight: 5, arbitrary: fc.record({ kind: fc.constant('lock' as const), user, code, key, lower: fc.boolean() }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('unlock' as const), user, code }) },
    { weight: 5, arbitrary: fc.record({ kind: fc.constant('redeem' as const), user, code, key, order: fc.option(fc.nat({ max: 1 }), { freq: 2, nil: null }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('reverse' as const), redemption: fc.nat({ max: 5 }) }) },
  ];
  if (options.distribute) {
    steps.push({ weight: 1, arbitrary: fc.record({ kind: fc.constant('distribute' as const), mode: fc.constantFrom('RANDOM', 'EQUAL' as const), count: fc.integer({ min: 1, max: 3 }) }) });
  }
  if (options.advance) {
    steps.push({ weight: 2, arbitrary: advanceArbitrary() }, { weight: 1, arbitrary: fc.constant({ kind: 'sweep' as const }) });
  }
  return fc.oneof(...steps);
}

export function advanceArbitrary(): fc.Arbitrary<Extract<Step, { kind: 'advance' }>> {
  return fc.record({
    kind: fc.constant('advance' as const),
    by: fc.oneof(fc.constantFrom('ttl' as const, 'justUnderTtl' as const), fc.integer({ min: 1, max: 900 })),
  });
}

// ---- One run: a fresh book, the model beside it ------------------------------------------------

/** One property run on its own book: executes steps on the API and on the model side by side. */
export class ModelRun {
  model: CouponModel;
  readonly trace: string[] = [];
  private readonly keyPrefix = randomBytes(4).toString('hex');

  private constructor(
    readonly world: ModelWorld,
    readonly plan: BookPlan,
    readonly campaign: Campaign,
    start: number,
    rules: CouponModel['rules'],
  ) {
    this.model = initialModel(rules, campaign.codes, start);
  }

  static async start(world: ModelWorld, plan: BookPlan): Promise<ModelRun> {
    const now = world.server.clock.now().getTime();
    const ttl = plan.lockTtlSeconds * 1000;
    const validFrom = plan.window === 'opens' ? now + ttl : null;
    const validUntil = plan.window === 'closes' ? now + 3 * ttl : null;
    const options = {
      maxAssignmentsPerUser: plan.maxAssignmentsPerUser,
      allowMultipleRedemptions: plan.allowMultipleRedemptions,
      maxRedemptionsPerUser: plan.maxRedemptionsPerUser,
      lockTtlSeconds: plan.lockTtlSeconds,
      validFrom: validFrom === null ? null : new Date(validFrom),
      validUntil: validUntil === null ? null : new Date(validUntil),
    };
    const campaign = await createCampaign(world.server, world.admin, plan.codes, options);
    return new ModelRun(world, plan, campaign, now, { bookId: campaign.bookId, ...options, validFrom, validUntil });
  }

  /** Turns an abstract step into a concrete command (or a clock move, in ms). */
  resolve(step: Step): Command | { advanceMs: number } | { sweep: true } {
    const { users, admin } = this.world;
    const holders = users.filter((u) => this.model.coupons.some((c) => c.owner === u.id));
    const userAt = (i: number) =>
      i >= users.length && holders.length > 0 ? holders[i % holders.length].id : users[i % users.length].id;
    const slot = (i: number) => (i < this.campaign.codes.length ? this.campaign.codes[i] : `NOPE-${this.keyPrefix}`.toUpperCase());
    // `{ mine }` prefers the caller's coupons in the state the step needs (LOCKED to redeem …).
    const codeFor = (caller: string, ref: CodeRef, lower = false, prefer?: CouponState) => {
      const owned = this.model.coupons.filter((c) => c.owner === caller);
      const preferred = owned.filter((c) => effectiveState(this.model, c) === prefer);
      const mine = (preferred.length > 0 ? preferred : owned).map((c) => c.code);
      const code = typeof ref === 'number' ? slot(ref) : mine.length > 0 ? mine[ref.mine % mine.length] : slot(ref.mine % this.campaign.codes.length);
      return lower ? code.toLowerCase() : code;
    };
    const key = (name: KeyName) => (name ? `${this.keyPrefix}-${name}` : null);
    switch (step.kind) {
      case 'assignRandom': {
        const target = userAt(step.user);
        if (step.by === 'self') return { kind: 'assignRandom', caller: target, userId: null, key: key(step.key) };
        const caller = step.by === 'admin' ? admin.id : userAt(step.user + 1);
        return { kind: 'assignRandom', caller, userId: target, key: key(step.key) };
      }
      case 'assignCode': {
        const target = userAt(step.user);
        const caller = step.by === 'admin' ? admin.id : target;
        return { kind: 'assignCode', caller, userId: step.by === 'admin' ? target : null, code: codeFor(target, step.code, step.lower) };
      }
      case 'lock':
        return { kind: 'lock', caller: userAt(step.user), code: codeFor(userAt(step.user), step.code, step.lower, 'ASSIGNED'), key: key(step.key) };
      case 'unlock':
        return { kind: 'unlock', caller: userAt(step.user), code: codeFor(userAt(step.user), step.code, false, 'LOCKED') };
      case 'redeem':
        return {
          kind: 'redeem',
          caller: userAt(step.user),
          code: codeFor(userAt(step.user), step.code, false, 'LOCKED'),
          key: key(step.key),
          metadata: step.order === null ? null : { orderId: `order-${step.order}` },
        };
      case 'reverse': {
        const known = this.model.redemptions;
        const redemptionId = known.length > 0 ? known[step.redemption % known.length].id : randomUUID();
        return { kind: 'reverse', caller: admin.id, redemptionId };
      }
      case 'distribute':
        // EQUAL's count is the total (issue 16): the step's count stays "per member", as before.
        return {
          kind: 'distribute',
          caller: admin.id,
          poolMembers: users.map((u) => u.id),
          mode: step.mode,
          count: step.mode === 'EQUAL' ? step.count * users.length : step.count,
        };
      case 'advance': {
        const ttl = this.plan.lockTtlSeconds * 1000;
        return { advanceMs: step.by === 'ttl' ? ttl : step.by === 'justUnderTtl' ? Math.max(1, ttl - 1) : step.by * 1000 };
      }
      case 'sweep':
        return { sweep: true };
    }
  }

  /** Sends one command to the API. `poolId` goes with distributions (the pool holds every user). */
  execute(command: Command): Promise<Outcome> {
    const { server, tokens, poolId } = this.world;
    const token = tokens[command.caller];
    switch (command.kind) {
      case 'assignRandom':
        return call(server, OPS.assignRandom, { bookId: this.campaign.bookId, userId: command.userId, key: command.key }, token);
      case 'assignCode':
        return call(server, OPS.assignCode, { code: command.code, userId: command.userId }, token);
      case 'lock':
        return call(server, OPS.lock, { code: command.code, key: command.key }, token);
      case 'unlock':
        return call(server, OPS.unlock, { code: command.code }, token);
      case 'redeem':
        return call(server, OPS.redeem, { code: command.code, key: command.key, metadata: command.metadata }, token);
      case 'reverse':
        return call(server, OPS.reverse, { id: command.redemptionId, reason: 'refund' }, token);
      case 'distribute':
        return call(server, OPS.distribute, { poolId, bookId: this.campaign.bookId, mode: command.mode, count: command.count }, token);
    }
  }

  advance(ms: number): void {
    this.world.server.clock.advance(ms);
    this.model = advanceClock(this.model, ms);
    this.trace.push(`advance ${ms} ms`);
  }

  /**
   * Waits (polling the database, at most 5 s) until the server's lock sweeper has moved every
   * lock of the book that expired by the server clock: what a client sees must not depend on
   * whether the sweeper ran before its request.
   */
  async awaitSweep(): Promise<void> {
    const { db, clock } = this.world.server;
    for (let waited = 0; ; waited += 20) {
      const [row] = await db.prisma.$queryRaw<Array<{ n: number }>>`
        SELECT count(*)::int AS n FROM coupon
        WHERE book_id = ${this.campaign.bookId}::uuid AND state = 'LOCKED' AND lock_expires_at <= ${clock.now()}`;
      if (row.n === 0) break;
      if (waited > 5_000) this.fail(`the lock sweeper left ${row.n} expired lock(s) for 5 s`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    this.trace.push('sweeper ran');
  }

  /** Runs one step alone and checks its answer against the model. */
  async step(step: Step): Promise<void> {
    const command = this.resolve(step);
    if ('advanceMs' in command) return this.advance(command.advanceMs);
    if ('sweep' in command) return this.awaitSweep();
    const observed = await this.execute(command);
    const effect = command.kind === 'distribute' && observed.ok ? { owners: await readOwners(this.world.server.db, this.campaign.bookId) } : undefined;
    this.trace.push(`${this.describe(command)} → ${describeOutcome(observed)}`);
    const verdict = applyCommand(this.model, this.world.roles, command, observed, effect);
    if ('mismatch' in verdict) this.fail(`the API disagrees with the model: ${verdict.mismatch}`);
    else this.model = verdict.next;
  }

  /**
   * Runs several steps at once and checks that some order of them explains every answer and
   * ends where the database is. Distributions run alone (their picks are read back afterwards).
   */
  async round(steps: Step[]): Promise<void> {
    const commands = steps.map((s) => this.resolve(s)).filter((c): c is Command => 'kind' in c);
    const outcomes = await Promise.all(commands.map((c) => this.execute(c)));
    const round: Observation[] = commands.map((command, i) => ({ command, observed: outcomes[i] }));
    this.trace.push(`round:\n${round.map((o) => `    ${this.describe(o.command)} → ${describeOutcome(o.observed)}`).join('\n')}`);
    const actual = await this.snapshot();
    const result = linearize(this.model, this.world.roles, round, (model) =>
      sameSnapshot(expectedSnapshot(model, this.userIds()), actual),
    );
    if ('failure' in result) this.fail(result.failure);
    else this.model = result.model;
  }

  /** The database must show exactly what the model holds. */
  async verifyDatabase(): Promise<void> {
    const problem = sameSnapshot(expectedSnapshot(this.model, this.userIds()), await this.snapshot());
    if (problem) this.fail(`the database disagrees with the model: ${problem}`);
  }

  private snapshot(): Promise<BookSnapshot> {
    return readBookSnapshot(this.world.server.db, this.campaign.bookId, this.userIds(), this.world.server.clock.now());
  }

  private userIds(): string[] {
    return this.world.users.map((u) => u.id);
  }

  private describe(command: Command): string {
    const names = new Map([[this.world.admin.id, 'admin'], ...this.world.users.map((u, i): [string, string] => [u.id, `u${i}`])]);
    return JSON.stringify(command, (k, v) => (typeof v === 'string' && names.has(v) ? names.get(v) : k === 'poolMembers' ? undefined : v));
  }

  fail(message: string): never {
    const { rules } = this.model;
    throw new Error(
      `${message}\nbook: ${JSON.stringify({ ...this.plan, ...rules, bookId: undefined })}\nsteps so far:\n  ${this.trace.join('\n  ')}`,
    );
  }
}

/** Null when equal, else the first difference. */
export function sameSnapshot(expected: BookSnapshot, actual: BookSnapshot): string | null {
  for (const part of ['coupons', 'counters', 'redemptions'] as const) {
    const e = JSON.stringify(expected[part]);
    const a = JSON.stringify(actual[part]);
    if (e !== a) return `${part}: model ${e}\n  database ${a}`;
  }
  return null;
}
