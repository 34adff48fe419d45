import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/index.ts';
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
import { propertyParameters } from './fast-check.settings.ts';

// The concurrent variant: each round sends 2..8 commands of many users at once. Some order of
// them must explain every answer and end where the database is (linearizability against the
// model), and the invariants must hold after every round. Clock jumps, sweeps and
// distributions run between rounds.

const USERS = 6;
const MAX_CODES = 8;

/** Parallel steps of many users; a burst is one step sent 2..6 times at once (a double click, a retry storm). */
type Round = { kind: 'parallel'; steps: Step[] } | { kind: 'burst'; step: Step; times: number } | Step;

function roundArbitrary(): fc.Arbitrary<Round> {
  const step = stepArbitrary(USERS, MAX_CODES, { distribute: false, advance: false });
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

let server: TestServer;
let world: ModelWorld;
beforeAll(async () => {
  server = await startTestServer({ env: { JWT_TTL_SECONDS: String(10 * 365 * 86_400), LOCK_SWEEP_INTERVAL_MS: '50' } });
  world = await createWorld(server, USERS);
});
afterAll(() => server?.close());

describe('the API stays linearizable under concurrent commands', () => {
  it('every round of parallel commands is explained by some order of them; invariants hold after each', async () => {
    const property = fc.asyncProperty(
      bookPlanArbitrary(MAX_CODES),
      // A few steps one at a time first, so that rounds find coupons held and locked to race on.
      fc.array(stepArbitrary(USERS, MAX_CODES, { distribute: false, advance: false }), { maxLength: 10, size: 'max' }),
      fc.array(roundArbitrary(), { minLength: 3, maxLength: 10, size: 'max' }),
      async (plan, prefix, rounds) => {
        const run = await ModelRun.start(world, plan);
        for (const step of prefix) await run.step(step);
        for (const round of rounds) {
          if (round.kind === 'parallel') await run.round(round.steps);
          else if (round.kind === 'burst') await run.round(Array.from({ length: round.times }, () => round.step));
          else await run.step(round);
          await expectInvariants(server.db, `after ${run.trace.length} steps`);
        }
        await run.verifyDatabase();
      },
    );
    await fc.assert(property, propertyParameters('concurrent model', 30));
  }, 300_000);
});
