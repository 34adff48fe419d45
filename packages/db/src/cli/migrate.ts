// `pnpm db:migrate`: applies prisma/migrations to DATABASE_URL or, when unset, to the embedded
// dev cluster in <DATA_DIR>/pg (started for the occasion unless `pnpm dev` already runs it).
import { loadConfig } from '@coupons/config';
import { runCli, withMigratedDatabase } from './cli.run.ts';

runCli(() =>
  withMigratedDatabase(loadConfig(), async (database, applied) => {
    const where = database.source === 'DATABASE_URL' ? 'DATABASE_URL' : `the ${database.source} dev database`;
    if (applied.length === 0) console.log(`Database is up to date (${where}).`);
    else console.log(`Applied ${applied.length} migration(s) to ${where}:\n${applied.map((n) => `  - ${n}`).join('\n')}`);
  }),
);
