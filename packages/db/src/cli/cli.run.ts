// What the database CLIs (`pnpm db:migrate`, `db:seed`, `db:migration`) share.
import type { Config } from '@coupons/config';
import { type DevDatabase, openDevDatabase } from '../embedded/index.ts';
import { applyMigrations } from '../migrations/index.ts';

/**
 * Runs a CLI's `main` and exits with the code it returns (0 when none). Explicitly: the process
 * must not wait for idle pool timers, and the code must stick. A failure prints its message and
 * exits 1.
 */
// biome-ignore lint/suspicious/noConfusingVoidType: a `main` that returns nothing is an `async () => {}` (Promise<void>)
export function runCli(main: () => Promise<number | void>): void {
  main().then(
    (code) => process.exit(code ?? 0),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}

/**
 * The database the CLIs work on — DATABASE_URL or, when unset, the embedded dev cluster in
 * <DATA_DIR>/pg, started for the occasion unless `pnpm dev` already runs it — with every migration
 * applied. `use` gets it and the names of the migrations applied just now; the cluster is stopped
 * afterwards if this started it.
 */
export async function withMigratedDatabase<T>(config: Config, use: (database: DevDatabase, applied: string[]) => Promise<T>): Promise<T> {
  const database = await openDevDatabase(config);
  try {
    const applied = await applyMigrations(database.url, undefined, { defaultCurrency: config.DEFAULT_CURRENCY });
    return await use(database, applied);
  } finally {
    await database.stop();
  }
}
