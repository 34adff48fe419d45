import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { TestServer } from '../../testing/index.ts';
import { expectInvariants } from './book.snapshot.ts';
import type { ModelWorld } from './coupon.model.harness.ts';
import { SEQUENTIAL, sequentialModelProperty, startModelServer } from './coupon.model.properties.ts';
import { propertyParameters } from './fast-check.settings.ts';

// Model-based tests over real HTTP: random command sequences against the API and the model of
// coupon.model.ts side by side (see coupon.model.properties.ts). 1,000 runs in the soak.

let server: TestServer;
let world: ModelWorld;
beforeAll(async () => {
  ({ server, world } = await startModelServer(SEQUENTIAL.users));
});
afterAll(() => server?.close());

describe('the API follows the state machine model', () => {
  it('one command at a time: every answer and the final database match the model (100 runs)', async () => {
    await fc.assert(sequentialModelProperty(world), propertyParameters('sequential model', 100));
    await expectInvariants(server.db, 'after the sequential model runs');
  }, 180_000);
});
