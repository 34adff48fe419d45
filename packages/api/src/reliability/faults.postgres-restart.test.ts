import { describe, expect, it } from 'vitest';
import { RECOVERY_LIMIT_MS, restartPostgresUnderLoad } from './faults.scenarios.ts';

// Restart PostgreSQL under a checkout load (the test runs its own durable embedded cluster):
// /readyz says unready while it is down and ready again by itself soon after it is back, with
// no restart of the API, and every checkout a client was told about is still there. The soak
// also crashes it (immediate shutdown) with the API in a process of its own.

describe('PostgreSQL restarts under load', () => {
  it('unready while it is down, ready again by itself within seconds, nothing committed lost', async () => {
    const [recovery] = await restartPostgresUnderLoad({ restarts: ['fast'], api: 'in-process', users: 20, opsBetween: 60 });
    expect(recovery).toBeLessThan(RECOVERY_LIMIT_MS);
  }, 120_000);
});
