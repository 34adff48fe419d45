import { describe, it } from 'vitest';
import { terminateConnectionsUnderLoad } from './faults.scenarios.ts';

// pg_terminate_backend on every connection of the API (its pool and its LISTEN connection) in
// the middle of a checkout load: requests caught mid-transaction are answered SERVICE_UNAVAILABLE
// (retryable, resent by the client with the same key), never INTERNAL_SERVER_ERROR; nothing is
// half-applied, no session is left idle in a transaction, the API keeps serving without a restart,
// and its live-event listener reconnects and delivers every event committed meanwhile, once.

describe("pg_terminate_backend of the API's connections under load", () => {
  it('3 rounds: nothing half-applied, no open transaction left, the API keeps serving', async () => {
    await terminateConnectionsUnderLoad({ rounds: 3, users: 20, opsBetween: 60 });
  }, 120_000);
});
