import { randomBytes } from 'node:crypto';
import { type Config, loadConfig } from '@coupons/config';
import { createTestClock, type TestClock } from '@coupons/core/testing';
import { createDatabase, type Database } from '@coupons/db';
import { createTestDatabase } from '@coupons/db/testing';
import { type ApiServer, createApiServer } from '../src/server/api-server.ts';

/** A real API server on a free port over a fresh database. */
export interface TestServer {
  /** `http://127.0.0.1:<port>/graphql` */
  url: string;
  /** `ws://127.0.0.1:<port>/graphql` */
  wsUrl: string;
  /** `http://127.0.0.1:<port>` (for /healthz, /readyz, downloads) */
  baseUrl: string;
  /** The database the server uses (the test's own: seed or inspect it directly). */
  db: Database;
  /** The server's clock: move it to expire locks and tokens. */
  clock: TestClock;
  config: Config;
  server: ApiServer;
  /** Stops the server and drops the database. Call in `afterAll`. */
  close(): Promise<void>;
}

export interface TestServerOptions {
  /**
   * Environment overrides, as strings, on top of the test defaults (NODE_ENV=test, a random
   * JWT_SECRET, LOG_LEVEL=silent, LOGIN_RATE_LIMIT=1000, MUTATION_RATE_LIMIT and CODE_GUESS_RATE_LIMIT=1000000 so
   * factories and race tests, all from 127.0.0.1 on a clock that stands still, never trip them).
   */
  env?: Record<string, string>;
  clock?: TestClock;
  /** Extra ServiceContext fields (e.g. an event announcer). */
  serviceExtras?: Parameters<typeof createApiServer>[0]['serviceExtras'];
  /** The server's logger (default: from LOG_LEVEL, silent); pass one writing into memory to read it. */
  logger?: Parameters<typeof createApiServer>[0]['logger'];
  /** Webhook settings over the configuration's (e.g. a resolver for the address checks). */
  webhookSettings?: Parameters<typeof createApiServer>[0]['webhookSettings'];
}

/**
 * Starts the API over HTTP and WebSocket on 127.0.0.1 and a free port, on a fresh migrated
 * database from `createTestDatabase()` (needs the vitest global setup of the root config).
 *
 * @example
 * let server: TestServer;
 * beforeAll(async () => { server = await startTestServer(); });
 * afterAll(() => server.close());
 */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const database = await createTestDatabase();
  const clock = options.clock ?? createTestClock();
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: database.url,
    JWT_SECRET: randomBytes(32).toString('base64url'),
    LOG_LEVEL: 'silent',
    API_HOST: '127.0.0.1',
    LOGIN_RATE_LIMIT: '1000',
    MUTATION_RATE_LIMIT: '1000000',
    CODE_GUESS_RATE_LIMIT: '1000000',
    ...options.env,
  });
  let server: ApiServer;
  try {
    server = await createApiServer({
      config,
      db: database.db,
      clock,
      serviceExtras: options.serviceExtras,
      logger: options.logger,
      webhookSettings: options.webhookSettings,
    });
    await server.start(0);
  } catch (error) {
    await database.drop();
    throw error;
  }
  return {
    url: server.url,
    wsUrl: server.wsUrl,
    baseUrl: server.url.replace(/\/graphql$/, ''),
    db: database.db,
    clock,
    config,
    server,
    async close() {
      await server.stop();
      await database.drop();
    },
  };
}

/**
 * A second API server on `first`'s database (its own pool, LISTEN connection, bus and lock
 * sweeper), as another process behind a load balancer would be. Same config, so tokens work on
 * both; `clock` may be shared so both sweepers see the same time.
 */
export async function startSiblingServer(
  first: TestServer,
  options: { listenerName: string; clock?: TestServer['clock'] },
): Promise<TestServer> {
  const url = first.config.DATABASE_URL as string;
  const db = createDatabase({ url, poolSize: 10, applicationName: 'coupons-test-sibling' });
  const clock = options.clock ?? first.clock;
  const server = await createApiServer({ config: first.config, db, clock, listenerName: options.listenerName });
  await server.start(0);
  return {
    url: server.url,
    wsUrl: server.wsUrl,
    baseUrl: server.url.replace(/\/graphql$/, ''),
    db,
    clock,
    config: first.config,
    server,
    async close() {
      await server.stop();
      await db.close();
    },
  };
}
