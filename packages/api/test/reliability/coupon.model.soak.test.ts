import fc from 'fast-check';
import { describe, it } from 'vitest';
import { expectInvariants } from './book.snapshot.ts';
import {
  CONCURRENT,
  concurrentModelProperty,
  SEQUENTIAL,
  sequentialModelProperty,
  useModelWorld,
} from './coupon.model.properties.ts';
import { propertyParameters } from './fast-check.settings.ts';

// `pnpm test:soak`: the model-based properties of coupon.model*.test.ts, ten times longer.

describe('soak: one command at a time', () => {
  const model = useModelWorld(SEQUENTIAL.users);

  it('1,000 runs match the model', async () => {
    await fc.assert(sequentialModelProperty(model.world), propertyParameters('soak sequential model', 1_000));
    await expectInvariants(model.server.db);
  }, 1_800_000);
});

describe('soak: concurrent rounds', () => {
  const model = useModelWorld(CONCURRENT.users);

  it('300 runs stay linearizable', async () => {
    await fc.assert(concurrentModelProperty(model.world), propertyParameters('soak concurrent model', 300));
  }, 1_800_000);
});
