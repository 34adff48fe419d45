import { describe, it } from 'vitest';
import { terminateConnectionsUnderLoad } from './faults.scenarios.ts';

// pg_terminate_backend on every connection of the API (its pool and its LISTEN connection) in
// the middle of a checkout load: requests caught mid-transaction fail (masked
// INTERNAL_SERVER_ERROR, resent by the client with the same key), nothing is half-applied, no
// session is left idle in a transaction, and the API keeps serving without a restart.

describe("pg_terminate_backend of the API's connections under load", () => {
  it('3 rounds: nothing half-applied, no open transaction left, the API keeps serving', async () => {
    await terminateConnectionsUnderLoad({ rounds: 3, users: 20, opsBetween: 60 });
  }, 120_000);
});
