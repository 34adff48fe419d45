// `pnpm db:migrate`: applies prisma/migrations to DATABASE_URL or, when unset, to the embedded
// dev cluster in <DATA_DIR>/pg (started for the occasion unless `pnpm dev` already runs it).
import { loadConfig } from '@coupons/config';
import { migrationsUnknownHere } from '../migrations/index.ts';
import { runCli, withMigratedDatabase } from './cli.run.ts';

runCli(() =>
  withMigratedDatabase(loadConfig(), async (database, applied) => {
    const where = database.source === 'DATABASE_URL' ? 'DATABASE_URL' : `the ${database.source} dev database`;
    const unknown = await migrationsUnknownHere(database.url);
    if (applied.length > 0) console.log(`Applied ${applied.length} migration(s) to ${where}:\n${applied.map((n) => `  - ${n}`).join('\n')}`);
    if (unknown.length > 0) {
      // Exit 0 all the same: migrations expand, then contract, so this release runs on that schema.
      console.log(
        `${where} has ${unknown.length} migration(s) this release does not know (a newer release applied them; nothing is undone):\n${unknown.map((n) => `  - ${n}`).join('\n')}`,
      );
    } else if (applied.length === 0) console.log(`Database is up to date (${where}).`);
  }),
);
