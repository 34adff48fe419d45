import { spawn } from 'node:child_process';
import path from 'node:path';
import { projectRoot } from '@coupons/config';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createEmptyDatabase } from '../../testing/index.ts';
import { applyMigrations } from './migrations.runner.ts';

// The operator's migrate job (`pnpm db:migrate`, the compose `migrate` service) on databases
// that are not simply "behind": run twice, and run by an older release on a database a newer
// release migrated already (a rolled-back image). The data-converting upgrades themselves are
// tested with the services that read the rows: packages/core/test/upgrade-path.test.ts.

const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

function migrateCli(databaseUrl: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join('packages', 'db', 'src', 'cli', 'migrate.ts')], {
      cwd: projectRoot,
      env: { ...process.env, DATABASE_URL: databaseUrl, NODE_ENV: 'development' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

describe('pnpm db:migrate', { timeout: 90_000 }, () => {
  it('run twice: applies everything, then reports "up to date" and exits 0 (pinned)', async () => {
    const database = await createEmptyDatabase();
    cleanups.push(database.drop);
    const first = await migrateCli(database.url);
    expect(first.code, first.output).toBe(0);
    expect(first.output).toMatch(/Applied \d+ migration\(s\) to DATABASE_URL/);
    const second = await migrateCli(database.url);
    expect(second).toEqual({ code: 0, output: 'Database is up to date (DATABASE_URL).\n' });
  });

  it('on a database a newer release migrated: names the migration this code does not know, never "up to date"', async () => {
    const database = await createEmptyDatabase();
    cleanups.push(database.drop);
    await applyMigrations(database.url);
    const client = new pg.Client(database.url);
    await client.connect();
    try {
      // What the next release's migrate job leaves: one more finished migration.
      await client.query(`INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, started_at, applied_steps_count)
        VALUES ('f0000000-0000-4000-8000-000000000001', repeat('a', 64), now(), '20990101000000_from_a_newer_release', now(), 1)`);
    } finally {
      await client.end();
    }
    const result = await migrateCli(database.url);
    expect(result.output).not.toMatch(/up to date/);
    expect(result.output).toContain('20990101000000_from_a_newer_release');
  });
});
