import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { loadConfig } from '@coupons/config';
import { createTestDatabase } from '@coupons/db/testing';
import { createLogger } from '../observability/index.ts';
import { createApiServer } from '../server/api-server.ts';
import { createTestClock, type TestServer } from '../testing/index.ts';

/** A test server whose every log line (at `trace`) is kept for the test to read. */
export interface LoggedServer extends TestServer {
  /** Everything the server has logged so far, one JSON line each. */
  logs(): string;
}

/**
 * Like `startTestServer`, with the server's own logger (redaction and all) writing into memory
 * at level `trace` instead of being silenced, so a test can prove what never reaches the logs.
 */
export async function startLoggedServer(env: Record<string, string> = {}): Promise<LoggedServer> {
  const database = await createTestDatabase();
  const clock = createTestClock();
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: database.url,
    JWT_SECRET: randomBytes(32).toString('base64url'),
    API_HOST: '127.0.0.1',
    LOGIN_RATE_LIMIT: '1000',
    MUTATION_RATE_LIMIT: '1000000',
    ...env,
    LOG_LEVEL: 'trace',
  });
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const logger = createLogger({ level: 'trace', destination });
  const server = await createApiServer({ config, db: database.db, clock, logger });
  await server.start(0);
  return {
    url: server.url,
    wsUrl: server.wsUrl,
    baseUrl: server.url.replace(/\/graphql$/, ''),
    db: database.db,
    clock,
    config,
    server,
    logs: () => lines.join(''),
    async close() {
      await server.stop();
      await database.drop();
    },
  };
}
