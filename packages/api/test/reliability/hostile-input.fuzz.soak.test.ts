import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { call } from '../../testing/index.ts';
import { expectInvariants } from './book.snapshot.ts';
import { propertyParameters } from './fast-check.settings.ts';
import { fieldProperty, type FuzzTarget, rootFields, startFuzzTarget } from './hostile-input.fuzz.ts';

// `pnpm test:soak`: hostile-input.fuzz.test.ts with 400 values per root field.

let target: FuzzTarget;
beforeAll(async () => {
  target = await startFuzzTarget();
});
afterAll(() => target?.close());

describe('soak: hostile input over every root field', async () => {
  const fields = await rootFields();

  it.each(fields.map((f) => [f.name, f] as const))(
    '%s',
    async (name, { kind, field }) => {
      await fc.assert(fieldProperty(target, name, kind, field), propertyParameters(`soak fuzz ${name}`, 400));
    },
    600_000,
  );

  it('the server is still up and right afterwards', async () => {
    const me = await call<{ id: string }>(target.server, '{ me { id } }', {}, target.user.token);
    if (!me.ok) throw new Error(`me: ${me.code}`);
    await expectInvariants(target.server.db, 'after the fuzz soak');
  });
});
