import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { TestServer } from '../../testing/index.ts';
import type { ModelWorld } from './coupon.model.harness.ts';
import { CONCURRENT, concurrentModelProperty, startModelServer } from './coupon.model.properties.ts';
import { propertyParameters } from './fast-check.settings.ts';

// The concurrent variant (see coupon.model.properties.ts): rounds of parallel commands checked
// for linearizability against the model, invariants after every round. 300 runs in the soak.

let server: TestServer;
let world: ModelWorld;
beforeAll(async () => {
  ({ server, world } = await startModelServer(CONCURRENT.users));
});
afterAll(() => server?.close());

describe('the API stays linearizable under concurrent commands', () => {
  it('every round of parallel commands is explained by some order of them; invariants hold after each (30 runs)', async () => {
    await fc.assert(concurrentModelProperty(world), propertyParameters('concurrent model', 30));
  }, 300_000);
});
