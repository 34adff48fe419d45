// `pnpm db:seed`: migrates (a no-op when up to date) and writes the demo data set into
// DATABASE_URL or, when unset, the embedded dev cluster. Safe to run any number of times.
import { loadConfig } from '@coupons/config';
import { createDatabase } from '../client.ts';
import { DEMO_LOGINS, seedDemoData } from '../seed/index.ts';
import { runCli, withMigratedDatabase } from './cli.run.ts';

runCli(async () => {
  const config = loadConfig();
  if (config.isProduction) throw new Error('Refusing to seed demo logins with NODE_ENV=production.');
  await withMigratedDatabase(config, async (database) => {
    const db = createDatabase({ url: database.url, poolSize: 4, applicationName: 'coupons-seed' });
    try {
      const summary = await seedDemoData(db);
      console.log(
        `Seeded (${database.source}): ${summary.usersCreated} user(s), ${summary.booksCreated} book(s), ` +
          `${summary.couponsCreated} coupon(s), ${summary.poolMembersAdded} pool member(s) added.`,
      );
      console.log(`Demo logins:\n${DEMO_LOGINS.map((l) => `  ${l.role.padEnd(5)}  ${l.email}  ${l.password}`).join('\n')}`);
    } finally {
      await db.close();
    }
  });
});
