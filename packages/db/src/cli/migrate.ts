// `pnpm db:migrate`: applies prisma/migrations to DATABASE_URL or, when unset, to the embedded
// dev cluster in <DATA_DIR>/pg (started for the occasion unless `pnpm dev` already runs it).
import { loadConfig } from '@coupons/config';
import { openDevDatabase } from '../embedded/index.ts';
import { applyMigrations } from '../migrations/index.ts';

async function main(): Promise<void> {
  const config = loadConfig();
  const database = await openDevDatabase(config);
  try {
    const applied = await applyMigrations(database.url, undefined, { defaultCurrency: config.DEFAULT_CURRENCY });
    const where = database.source === 'DATABASE_URL' ? 'DATABASE_URL' : `the ${database.source} dev database`;
    if (applied.length === 0) console.log(`Database is up to date (${where}).`);
    else console.log(`Applied ${applied.length} migration(s) to ${where}:\n${applied.map((n) => `  - ${n}`).join('\n')}`);
  } finally {
    await database.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
