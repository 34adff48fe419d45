import { describe, it } from 'vitest';
import { call } from '../../testing/index.ts';
import { expectInvariants } from './book.snapshot.ts';
import { fuzzEveryRootField, rootFields, useFuzzTarget } from './hostile-input.fuzz.ts';

// `pnpm test:soak`: hostile-input.fuzz.test.ts with 400 values per root field.

const target = useFuzzTarget();

describe('soak: hostile input over every root field', async () => {
  const fields = await rootFields();

  fuzzEveryRootField(target, fields, { label: 'soak fuzz', runs: 400, timeoutMs: 600_000 });

  it('the server is still up and right afterwards', async () => {
    const me = await call<{ id: string }>(target.server, '{ me { id } }', {}, target.user.token);
    if (!me.ok) throw new Error(`me: ${me.code}`);
    await expectInvariants(target.server.db, 'after the fuzz soak');
  });
});
