import fc from 'fast-check';
import { describe, it } from 'vitest';
import { expectInvariants } from './book.snapshot.ts';
import { SEQUENTIAL, sequentialModelProperty, useModelWorld } from './coupon.model.properties.ts';
import { propertyParameters } from './fast-check.settings.ts';

// Model-based tests over real HTTP: random command sequences against the API and the model of
// coupon.model.ts side by side (see coupon.model.properties.ts). 1,000 runs in the soak.

const model = useModelWorld(SEQUENTIAL.users);

describe('the API follows the state machine model', () => {
  it('one command at a time: every answer and the final database match the model (100 runs)', async () => {
    await fc.assert(sequentialModelProperty(model.world), propertyParameters('sequential model', 100));
    await expectInvariants(model.server.db, 'after the sequential model runs');
  }, 180_000);
});
