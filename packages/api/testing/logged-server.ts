import { memoryLogger } from './memory-log.ts';
import { startTestServer, type TestServer } from './test-server.ts';

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
  const log = memoryLogger('trace');
  const server = await startTestServer({ env: { ...env, LOG_LEVEL: 'trace' }, logger: log.logger });
  return { ...server, logs: log.text };
}
