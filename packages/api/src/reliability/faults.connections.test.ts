import { createDatabase, type Database, Prisma } from '@coupons/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/index.ts';
import { call } from './api.client.ts';
import { expectInvariants } from './book.snapshot.ts';
import { createCampaign, createUsers } from './campaign.fixtures.ts';
import { CheckoutLoad, expectNoOpenTransactions, verifyCheckouts } from './checkout.load.ts';

// pg_terminate_backend on every connection of the API (its pool and its LISTEN connection) in
// the middle of a checkout load, several times: requests caught mid-transaction fail (masked
// INTERNAL_SERVER_ERROR, retried by the client with the same key), nothing is half-applied, no
// session is left idle in a transaction, and the API keeps serving without a restart.

/** Rounds of terminations; `pnpm test:soak` runs the long version. */
export const ROUNDS = 3;

let server: TestServer;
/** The test's own connections (named, so the injector spares them). */
let tools: Database;
beforeAll(async () => {
  server = await startTestServer();
  tools = createDatabase({ url: server.config.DATABASE_URL as string, poolSize: 2, applicationName: 'fault-tools' });
});
afterAll(async () => {
  await tools?.close();
  await server?.close();
});

/** Terminates every session of the API on the test database; returns how many. */
async function terminateApiConnections(): Promise<number> {
  const rows = await tools.prisma.$queryRaw<Array<{ terminated: boolean }>>(Prisma.sql`
    SELECT pg_terminate_backend(pid) AS terminated FROM pg_stat_activity
    WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name <> 'fault-tools'`);
  return rows.filter((r) => r.terminated).length;
}

export async function terminateRepeatedly(rounds: number, users: number, opsBetween: number): Promise<void> {
  const [[admin], shoppers] = await Promise.all([createUsers(server, 1, 'ADMIN'), createUsers(server, users)]);
  const { bookId } = await createCampaign(server, admin, 5_000);
  const load = new CheckoutLoad({ target: server, users: shoppers, bookId, transient: ['INTERNAL_SERVER_ERROR'] });
  let terminated = 0;
  for (let round = 0; round < rounds; round++) {
    await load.progress(opsBetween);
    terminated += await terminateApiConnections();
  }
  await load.progress(opsBetween); // still serving, no restart
  await load.stop();
  console.info(`[faults] pg_terminate_backend ×${rounds} (${terminated} sessions): ${load.checkouts.length} checkouts, ${JSON.stringify(load.stats)}`);
  expect(terminated).toBeGreaterThanOrEqual(rounds);
  await verifyCheckouts(tools, shoppers, load.checkouts);
  await expectNoOpenTransactions(tools);
  await expectInvariants(tools, `after ${rounds} rounds of terminations`);
  // Ready again by itself: the pool reconnects, and so does the live-event listener.
  for (let waited = 0; !(await fetch(`${server.baseUrl}/readyz`)).ok; waited += 100) {
    if (waited > 10_000) throw new Error('the API did not become ready again within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  expect(await call(server, '{ me { id } }', {}, shoppers[0].token)).toEqual({ ok: true, data: { id: shoppers[0].id } });
}

describe("pg_terminate_backend of the API's connections under load", () => {
  it(`${ROUNDS} rounds: nothing half-applied, no open transaction left, the API keeps serving`, async () => {
    await terminateRepeatedly(ROUNDS, 20, 60);
  }, 120_000);
});
