import fc from 'fast-check';
import { describe, it } from 'vitest';
import { CONCURRENT, concurrentModelProperty, useModelWorld } from './coupon.model.properties.ts';
import { propertyParameters } from './fast-check.settings.ts';

// The concurrent variant (see coupon.model.properties.ts): rounds of parallel commands checked
// for linearizability against the model, invariants after every round. 300 runs in the soak.

const model = useModelWorld(CONCURRENT.users);

describe('the API stays linearizable under concurrent commands', () => {
  it('every round of parallel commands is explained by some order of them; invariants hold after each (30 runs)', async () => {
    await fc.assert(concurrentModelProperty(model.world), propertyParameters('concurrent model', 30));
  }, 300_000);
});
