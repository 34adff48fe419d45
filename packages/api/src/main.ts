import { ConfigError, loadConfig } from '@coupons/config';
import { createDatabase } from '@coupons/db';
import { createApiServer } from './server/api-server.ts';
import { createLogger } from './observability/index.ts';

/** How long a signal-triggered shutdown may take before the process exits anyway. */
const SHUTDOWN_DEADLINE_MS = 15_000;

/**
 * Starts the API from the environment. `DATABASE_URL` is required here: `pnpm dev` starts the
 * embedded PostgreSQL and passes it. SIGTERM/SIGINT drain in-flight requests, close WebSockets
 * and the database pool, then exit.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.LOG_LEVEL, format: config.LOG_FORMAT });
  if (!config.DATABASE_URL) {
    throw new ConfigError([
      'DATABASE_URL: required to start the API on its own (`pnpm dev` starts an embedded PostgreSQL and sets it)',
    ]);
  }
  const db = createDatabase({
    url: config.DATABASE_URL,
    readUrl: config.DATABASE_READ_URL,
    readMaxLagMs: config.DATABASE_READ_MAX_LAG_MS,
    poolSize: config.DB_POOL_SIZE,
    applicationName: 'coupon-api',
    namedStatements: config.DATABASE_NAMED_STATEMENTS,
    onNamedStatementsLost: (error) =>
      logger.warn(
        { sqlState: (error as { code?: string }).code },
        'Named prepared statements are lost between transactions (a transaction-mode PgBouncer before 1.21?): running them unnamed from now on; set DATABASE_NAMED_STATEMENTS=false to start that way',
      ),
  });
  const server = await createApiServer({ config, db, logger });
  await server.start();
  logger.info({ url: server.url, wsUrl: server.wsUrl, introspection: config.GRAPHQL_INTROSPECTION }, 'API listening');

  let shuttingDown = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info({ signal }, 'Shutting down');
    setTimeout(() => {
      logger.error('Shutdown took too long; exiting');
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    try {
      await server.stop();
      await db.close();
      process.exit(0);
    } catch (err) {
      logger.error({ err }, 'Shutdown failed');
      process.exit(1);
    }
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((error: unknown) => {
  console.error(startFailure(error));
  process.exit(1);
});

/** Connection failures of the driver: the server is not there, refuses us, or has no such database. */
const DATABASE_UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', '28P01', '28000', '3D000']);

/**
 * Why the API could not start, on one line that names the setting to look at: no stack trace
 * and no secret (the driver's messages carry neither the URL nor its password).
 */
function startFailure(error: unknown): string {
  if (error instanceof ConfigError) return error.message;
  const failure = error as NodeJS.ErrnoException & { address?: string; port?: number };
  const code = String(failure?.code ?? '');
  const databases = ['DATABASE_URL', 'DATABASE_LISTEN_URL', 'DATABASE_READ_URL'].filter((name) => process.env[name]).join(' or ');
  if (code === 'EADDRINUSE' || code === 'EACCES') {
    return `API_PORT: cannot listen on ${failure.address}:${failure.port} (${code === 'EADDRINUSE' ? 'the port is in use' : 'not allowed'}); stop what holds it or choose another API_PORT`;
  }
  if (code === 'ERR_INVALID_URL') return `${databases}: not a valid URL (check the host, the port and that the password is URL-encoded)`;
  if (DATABASE_UNREACHABLE.has(code)) return `${databases}: cannot connect to PostgreSQL: ${failure.message}`;
  return error instanceof Error ? `Could not start: ${error.name}: ${error.message}` : `Could not start: ${String(error)}`;
}
