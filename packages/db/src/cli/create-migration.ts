// `pnpm db:migration <name>`: writes prisma/migrations/<timestamp>_<name>/migration.sql from
// the difference between the migrations folder and prisma/schema.prisma. The diff runs on a
// scratch database (a new one on DATABASE_URL's server, or a throw-away embedded cluster),
// never on a real one: the engine replays the folder there.
import path from 'node:path';
import { loadConfig, projectRoot } from '@coupons/config';
import { createMigration } from '../migrations/index.ts';
import { runCli } from './cli.run.ts';

async function main(): Promise<number> {
  const name = process.argv[2];
  if (!name) {
    console.error('usage: pnpm db:migration <name>   (lower-case, e.g. add_book_tags)');
    return 2;
  }
  const config = loadConfig();
  const result = await createMigration(name, { serverUrl: config.DATABASE_URL });
  if (!result.created) {
    console.log('No changes: prisma/migrations is in sync with prisma/schema.prisma.');
    return 0;
  }
  console.log(`Created ${path.relative(projectRoot, result.directory)}/migration.sql:\n\n${result.sql}\n`);
  console.log('Review it, add hand-written SQL if needed (mark it "-- hand-written"), then run pnpm db:migrate.');
  return 0;
}

runCli(main);
