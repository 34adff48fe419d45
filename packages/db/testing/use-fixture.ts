import { afterAll, beforeAll } from 'vitest';

/**
 * A fixture of the calling test file (or `describe`): `start()` runs in a `beforeAll`, `stop(it)`
 * in an `afterAll`, and the returned object reads its `fields` at each access, so tests and hooks
 * see the started value. Reading a field at load time, before the `beforeAll` ran, throws with
 * `name` in the message.
 */
export function useFixture<T extends object, K extends keyof T>(
  name: string,
  start: () => Promise<T>,
  stop: (value: T) => unknown,
  fields: readonly K[],
): Readonly<Pick<T, K>> {
  let value: T | undefined;
  beforeAll(async () => {
    value = await start();
  });
  afterAll(async () => {
    if (value) await stop(value);
  });
  const view = {} as Pick<T, K>;
  for (const field of fields) {
    Object.defineProperty(view, field, {
      enumerable: true,
      get: () => {
        if (!value) throw new Error(`${name}: read inside a test or hook, after its beforeAll has run`);
        return value[field];
      },
    });
  }
  return view;
}
