import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { TestServer } from '../../testing/index.ts';
import { expectInvariants } from './book.snapshot.ts';
import type { ModelWorld } from './coupon.model.harness.ts';
import {
  CONCURRENT,
  concurrentModelProperty,
  SEQUENTIAL,
  sequentialModelProperty,
  startModelServer,
} from './coupon.model.properties.ts';
import { propertyParameters } from './fast-check.settings.ts';

// `pnpm test:soak`: the model-based properties of coupon.model*.test.ts, ten times longer.

describe('soak: one command at a time', () => {
  let server: TestServer;
  let world: ModelWorld;
  beforeAll(async () => {
    ({ server, world } = await startModelServer(SEQUENTIAL.users));
  });
  afterAll(() => server?.close());

  it('1,000 runs match the model', async () => {
    await fc.assert(sequentialModelProperty(world), propertyParameters('soak sequential model', 1_000));
    await expectInvariants(server.db);
  }, 1_800_000);
});

describe('soak: concurrent rounds', () => {
  let server: TestServer;
  let world: ModelWorld;
  beforeAll(async () => {
    ({ server, world } = await startModelServer(CONCURRENT.users));
  });
  afterAll(() => server?.close());

  it('300 runs stay linearizable', async () => {
    await fc.assert(concurrentModelProperty(world), propertyParameters('soak concurrent model', 300));
  }, 1_800_000);
});
