import { describe, it } from 'vitest';
import { killApiProcessUnderLoad, restartPostgresUnderLoad, terminateConnectionsUnderLoad } from './faults.scenarios.ts';

// `pnpm test:soak`: the fault scenarios of faults.*.test.ts, longer and harsher.

describe('soak: faults under load', () => {
  it('SIGKILL of the API process, 10 times', async () => {
    await killApiProcessUnderLoad({ kills: 10, users: 40, opsBetween: 150 });
  }, 900_000);

  it('pg_terminate_backend of every API connection, 15 rounds', async () => {
    await terminateConnectionsUnderLoad({ rounds: 15, users: 40, opsBetween: 150 });
  }, 900_000);

  it('PostgreSQL restarted 4 times, twice crashing, with the API in a process of its own', async () => {
    await restartPostgresUnderLoad({ restarts: ['fast', 'crash', 'fast', 'crash'], api: 'child-process', users: 40, opsBetween: 150 });
  }, 900_000);
});
