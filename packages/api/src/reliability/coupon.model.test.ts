import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/index.ts';
import { expectInvariants } from './book.snapshot.ts';
import { bookPlanArbitrary, createWorld, ModelRun, type ModelWorld, stepArbitrary } from './coupon.model.harness.ts';
import { propertyParameters } from './fast-check.settings.ts';

// Model-based tests over real HTTP: random command sequences against the API and the model of
// coupon.model.ts side by side. Each run gets a fresh book; users and the pool are shared.

const USERS = 3;
const MAX_CODES = 5;

let server: TestServer;
let world: ModelWorld;
beforeAll(async () => {
  // Tokens must outlive the clock jumps of a hundred runs.
  server = await startTestServer({ env: { JWT_TTL_SECONDS: String(10 * 365 * 86_400), LOCK_SWEEP_INTERVAL_MS: '50' } });
  world = await createWorld(server, USERS);
});
afterAll(() => server?.close());

describe('the API follows the state machine model', () => {
  it('one command at a time: every answer and the final database match the model', async () => {
    const property = fc.asyncProperty(
      bookPlanArbitrary(MAX_CODES),
      fc.array(stepArbitrary(USERS, MAX_CODES, { distribute: true, advance: true }), { minLength: 5, maxLength: 30, size: 'max' }),
      async (plan, steps) => {
        const run = await ModelRun.start(world, plan);
        for (const step of steps) await run.step(step);
        await run.verifyDatabase();
      },
    );
    await fc.assert(property, propertyParameters('sequential model', 100));
    await expectInvariants(server.db, 'after the sequential model runs');
  }, 120_000);
});
