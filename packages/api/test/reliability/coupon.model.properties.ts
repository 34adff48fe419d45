import fc from 'fast-check';
import { beforeAll } from 'vitest';
import { type TestServer, useTestServer } from '../../testing/index.ts';
import { expectInvariants } from './book.snapshot.ts';
import {
  advanceArbitrary,
  bookPlanArbitrary,
  createWorld,
  ModelRun,
  type ModelWorld,
  type Step,
  stepArbitrary,
} from './coupon.model.harness.ts';

/**
 * The model-based properties, shared by the standard tests (coupon.model*.test.ts) and the soak
 * (coupon.model.soak.test.ts), which differ only in how many runs they ask for.
 */

/**
 * The server and world of a file's (or a describe's) model runs, started in `beforeAll` and closed
 * in `afterAll`: tokens outlive the clock jumps of many runs; the sweeper runs often.
 */
export function useModelWorld(users: number): { readonly server: TestServer; readonly world: ModelWorld } {
  const t = useTestServer({ env: { JWT_TTL_SECONDS: String(10 * 365 * 86_400), LOCK_SWEEP_INTERVAL_MS: '50' } });
  let world: ModelWorld | undefined;
  beforeAll(async () => {
    world = await createWorld(t.server, users);
  });
  return {
    get server() {
      return t.server;
    },
    get world() {
      if (!world) throw new Error('useModelWorld: read inside a test, after its beforeAll has run');
      return world;
    },
  };
}

export const SEQUENTIAL = { users: 3, maxCodes: 5 } as const;

/**
 * One command at a time (assign random/by code/for another, lock, unlock, redeem, reverse,
 * distribute, clock jumps, sweeps): every answer must match the model, and the database the
 * model at the end. Each run gets a fresh book.
 */
export function sequentialModelProperty(world: ModelWorld) {
  const { users, maxCodes } = SEQUENTIAL;
  return fc.asyncProperty(
    bookPlanArbitrary(maxCodes),
    fc.array(stepArbitrary(users, maxCodes, { distribute: true, advance: true }), { minLength: 5, maxLength: 30, size: 'max' }),
    async (plan, steps) => {
      const run = await ModelRun.start(world, plan);
      for (const step of steps) await run.step(step);
      await run.verifyDatabase();
    },
  );
}

export const CONCURRENT = { users: 6, maxCodes: 8 } as const;

/** Parallel steps of many users; a burst is one step sent 2..6 times at once (a double click, a retry storm). */
type Round = { kind: 'parallel'; steps: Step[] } | { kind: 'burst'; step: Step; times: number } | Step;

function roundArbitrary(): fc.Arbitrary<Round> {
  const step = stepArbitrary(CONCURRENT.users, CONCURRENT.maxCodes, { distribute: false, advance: false });
  return fc.oneof(
    { weight: 6, arbitrary: fc.record({ kind: fc.constant('parallel' as const), steps: fc.array(step, { minLength: 2, maxLength: 8 }) }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('burst' as const), step, times: fc.integer({ min: 2, max: 6 }) }) },
    { weight: 1, arbitrary: advanceArbitrary() },
    { weight: 1, arbitrary: fc.constant({ kind: 'sweep' as const }) },
    {
      weight: 1,
      arbitrary: fc.record({ kind: fc.constant('distribute' as const), mode: fc.constantFrom('RANDOM', 'EQUAL' as const), count: fc.integer({ min: 1, max: 2 }) }),
    },
  );
}

/**
 * Rounds of 2..8 commands sent at once by six users: some order of each round must explain every
 * answer and end where the database is (linearizability against the model), and the invariant
 * checker must pass after every round. Clock jumps, sweeps and distributions run between rounds.
 */
export function concurrentModelProperty(world: ModelWorld) {
  const { users, maxCodes } = CONCURRENT;
  return fc.asyncProperty(
    bookPlanArbitrary(maxCodes),
    // A few steps one at a time first, so that rounds find coupons held and locked to race on.
    fc.array(stepArbitrary(users, maxCodes, { distribute: false, advance: false }), { maxLength: 10, size: 'max' }),
    fc.array(roundArbitrary(), { minLength: 3, maxLength: 10, size: 'max' }),
    async (plan, prefix, rounds) => {
      const run = await ModelRun.start(world, plan);
      for (const step of prefix) await run.step(step);
      for (const round of rounds) {
        if (round.kind === 'parallel') await run.round(round.steps);
        else if (round.kind === 'burst') await run.round(Array.from({ length: round.times }, () => round.step));
        else await run.step(round);
        await expectInvariants(world.server.db, `after ${run.trace.length} steps`);
      }
      await run.verifyDatabase();
    },
  );
}
