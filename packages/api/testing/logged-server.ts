import { Writable } from 'node:stream';
import { createLogger } from '../src/observability/index.ts';
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
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const logger = createLogger({ level: 'trace', destination });
  const server = await startTestServer({ env: { ...env, LOG_LEVEL: 'trace' }, logger });
  return { ...server, logs: () => lines.join('') };
}
