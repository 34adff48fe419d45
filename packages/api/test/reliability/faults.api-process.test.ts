import { describe, it } from 'vitest';
import { killApiProcessUnderLoad } from './faults.scenarios.ts';

// SIGKILL the API process (main.ts in a child) in the middle of a checkout load, again and
// again: no drain, no shutdown hook, requests cut mid-transaction. Every client resends with its
// idempotency key until answered; afterwards there must be exactly one effect per key.
// `pnpm test:soak` kills it ten times (faults.soak.test.ts).

describe('SIGKILL of the API process under load', () => {
  it('2 kills mid-checkout: retries with the same keys complete, one effect each, invariants hold', async () => {
    await killApiProcessUnderLoad({ kills: 2, users: 20, opsBetween: 60 });
  }, 180_000);
});
