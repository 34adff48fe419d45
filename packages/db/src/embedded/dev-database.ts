import path from 'node:path';
import type { Config } from '@coupons/config';
import { createDatabaseIfMissing, databaseUrl } from '../admin/database.admin.ts';
import { startEmbeddedPostgres } from './embedded-postgres.ts';
import { isAlive } from './embedded-postgres.cleanup.ts';
import { type PostmasterInfo, parentPid, readPostmasterPid } from './postmaster.pid-file.ts';

/** Port of the persistent dev cluster that `pnpm dev` and the db scripts share. */
export const DEV_POSTGRES_PORT = 54329;
/** Database name used on the embedded dev cluster. */
export const DEV_DATABASE_NAME = 'coupons';

/** The database the process should use, and how to release it. */
export interface DevDatabase {
  url: string;
  /** Where it comes from, for start-up messages. */
  source: 'DATABASE_URL' | 'embedded' | 'embedded (already running)';
  /** Stops the embedded server if this process started it; otherwise does nothing. */
  stop(): Promise<void>;
}

/**
 * `DATABASE_URL` when configured; otherwise the persistent embedded cluster in
 * `<DATA_DIR>/pg`, started (and initialised on first use) here, or reused when another
 * process (a running `pnpm dev`) already serves it.
 */
export async function openDevDatabase(config: Config, options: { port?: number } = {}): Promise<DevDatabase> {
  if (config.DATABASE_URL) return { url: config.DATABASE_URL, source: 'DATABASE_URL', stop: async () => {} };
  const dataDir = path.join(config.DATA_DIR, 'pg');
  const running = runningServer(dataDir);
  if (running) {
    const url = `postgresql://postgres:postgres@127.0.0.1:${running.port}/${DEV_DATABASE_NAME}`;
    await createDatabaseIfMissing(databaseUrl(url, 'postgres'), DEV_DATABASE_NAME);
    return { url, source: 'embedded (already running)', stop: async () => {} };
  }
  const cluster = await startEmbeddedPostgres({ dataDir, port: options.port ?? DEV_POSTGRES_PORT, persistent: true });
  await createDatabaseIfMissing(cluster.adminUrl, DEV_DATABASE_NAME);
  return { url: cluster.url(DEV_DATABASE_NAME), source: 'embedded', stop: cluster.stop };
}

// A live server whose parent is not init belongs to a running `pnpm dev` (or another script);
// an orphan (parent 1) is left for startEmbeddedPostgres to stop and replace.
function runningServer(dataDir: string): PostmasterInfo | undefined {
  const info = readPostmasterPid(dataDir);
  if (!info?.port || !isAlive(info.pid) || parentPid(info.pid) === 1) return undefined;
  return info;
}
