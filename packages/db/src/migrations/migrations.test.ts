import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createEmptyDatabase } from '../../testing/index.ts';
import { createMigration, defaultMigrationPaths, diffMigrations } from './index.ts';
import { applyMigrations } from './migrations.runner.ts';

const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function emptyDatabase(): Promise<string> {
  const database = await createEmptyDatabase();
  cleanups.push(database.drop);
  return database.url;
}

async function migrationNames(): Promise<string[]> {
  const entries = await fs.readdir(defaultMigrationPaths.migrationsDir, { withFileTypes: true });
  return entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
}

describe('migrations', { timeout: 60_000 }, () => {
  it('prisma/migrations is in sync with schema.prisma (empty drift diff)', async () => {
    expect(await diffMigrations(await emptyDatabase())).toBe('');
  });

  it('applies every migration once, records it like prisma migrate deploy, then applies nothing', async () => {
    const url = await emptyDatabase();
    const names = await migrationNames();
    expect(names.length).toBeGreaterThanOrEqual(2);
    expect(await applyMigrations(url)).toEqual(names);
    expect(await applyMigrations(url)).toEqual([]);

    const client = new pg.Client(url);
    await client.connect();
    try {
      const { rows } = await client.query(
        'SELECT migration_name, finished_at IS NOT NULL AS finished, rolled_back_at IS NULL AS active, length(checksum) AS checksum_length FROM _prisma_migrations ORDER BY migration_name',
      );
      expect(rows).toEqual(names.map((name) => ({ migration_name: name, finished: true, active: true, checksum_length: 64 })));
    } finally {
      await client.end();
    }
  });

  /**
   * A fresh database migrated up to (not including) the migration whose name ends with `suffix`,
   * as a database made before it would be: the names of all migrations, and the index of that one.
   */
  async function migratedUpTo(suffix: string): Promise<{ url: string; names: string[]; next: number }> {
    const url = await emptyDatabase();
    const names = await migrationNames();
    const next = names.findIndex((name) => name.endsWith(suffix));
    const before = await fs.mkdtemp(path.join(os.tmpdir(), 'migrations-'));
    cleanups.push(() => fs.rm(before, { recursive: true, force: true }));
    for (const name of names.slice(0, next)) {
      await fs.cp(path.join(defaultMigrationPaths.migrationsDir, name), path.join(before, name), { recursive: true });
    }
    await fs.copyFile(path.join(defaultMigrationPaths.migrationsDir, 'migration_lock.toml'), path.join(before, 'migration_lock.toml'));
    await applyMigrations(url, { ...defaultMigrationPaths, migrationsDir: before });
    return { url, names, next };
  }

  it('gives FIXED_AMOUNT books made before currencies existed the configured default currency', async () => {
    // The folder as it was before books had a currency, then the rest with DEFAULT_CURRENCY=EUR.
    const { url, names, next: shop } = await migratedUpTo('_shop_integration');
    const client = new pg.Client(url);
    await client.connect();
    try {
      await client.query(`INSERT INTO book (id, name, discount_type, discount_value) VALUES
        (gen_random_uuid(), 'Five off', 'FIXED_AMOUNT', 5), (gen_random_uuid(), 'Ten percent', 'PERCENTAGE', 10)`);
      expect(await applyMigrations(url, defaultMigrationPaths, { defaultCurrency: 'EUR' })).toEqual(names.slice(shop));
      const { rows } = await client.query('SELECT name, currency FROM book ORDER BY name');
      expect(rows).toEqual([
        { name: 'Five off', currency: 'EUR' },
        { name: 'Ten percent', currency: null },
      ]);
    } finally {
      await client.end();
    }
  });

  it('brings stored emails to NFC, the oldest account first, leaving one whose NFC form is taken', async () => {
    const { url, names, next: nfc } = await migratedUpTo('_email_nfc');
    const client = new pg.Client(url);
    await client.connect();
    try {
      // 1: decomposed. 2: decomposed, its NFC form taken by 3 (two accounts of one address).
      // 4 and 5: two spellings of one NFC form (U+0340 is U+0300 in NFC): the older one gets it.
      await client.query(`INSERT INTO app_user (id, email, password_hash, created_at) VALUES
        ('00000000-0000-4000-8000-000000000001', 'ane\u0301@example.com', 'h', now()),
        ('00000000-0000-4000-8000-000000000002', 'bo\u0301@example.com', 'h', now()),
        ('00000000-0000-4000-8000-000000000003', 'b\u00f3@example.com', 'h', now()),
        ('00000000-0000-4000-8000-000000000004', 'che\u0300@example.com', 'h', now() - interval '1 day'),
        ('00000000-0000-4000-8000-000000000005', 'che\u0340@example.com', 'h', now())`);
      expect(await applyMigrations(url)).toEqual(names.slice(nfc));
      const { rows } = await client.query('SELECT right(id::text, 1) AS id, email FROM app_user ORDER BY id');
      expect(rows).toEqual([
        { id: '1', email: 'an\u00e9@example.com' },
        { id: '2', email: 'bo\u0301@example.com' },
        { id: '3', email: 'b\u00f3@example.com' },
        { id: '4', email: 'ch\u00e8@example.com' },
        { id: '5', email: 'che\u0340@example.com' },
      ]);
    } finally {
      await client.end();
    }
  });

  it('every hand-written block is marked "-- hand-written" and free of semicolons in comments', async () => {
    // The driver adapter splits migration scripts on every ";", so one inside a comment would
    // break the statement after it.
    for (const name of await migrationNames()) {
      const sql = await fs.readFile(path.join(defaultMigrationPaths.migrationsDir, name, 'migration.sql'), 'utf8');
      const commentsWithSemicolon = sql.split('\n').filter((line) => /--.*;/.test(line));
      expect(commentsWithSemicolon, name).toEqual([]);
    }
  });
});

describe('createMigration', { timeout: 90_000 }, () => {
  it('says "no changes" when the folder matches the schema, and writes the diff when it does not', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'coupons-migration-test-'));
    cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
    const paths = { schemaPath: path.join(dir, 'schema.prisma'), migrationsDir: path.join(dir, 'migrations') };
    await fs.cp(defaultMigrationPaths.migrationsDir, paths.migrationsDir, { recursive: true });
    const schema = await fs.readFile(defaultMigrationPaths.schemaPath, 'utf8');
    await fs.writeFile(paths.schemaPath, schema);
    const server = await createEmptyDatabase();
    cleanups.push(server.drop);
    const serverUrl = server.url;

    expect(await createMigration('nothing_new', { serverUrl, paths })).toEqual({ created: false });

    await fs.writeFile(paths.schemaPath, `${schema}\nmodel Tag {\n  id   Int    @id\n  name String\n\n  @@map("tag")\n}\n`);
    const result = await createMigration('add_tag', { serverUrl, paths, now: new Date('2030-01-02T03:04:05Z') });
    expect(result.created).toBe(true);
    if (!result.created) return;
    expect(path.basename(result.directory)).toBe('20300102030405_add_tag');
    const written = await fs.readFile(path.join(result.directory, 'migration.sql'), 'utf8');
    expect(written).toContain('CREATE TABLE "tag"');
    // The new folder now matches the new schema.
    expect(await createMigration('again', { serverUrl, paths })).toEqual({ created: false });
  });

  it('rejects names that are not lower_snake_case', async () => {
    await expect(createMigration('Add Tag')).rejects.toThrow(/lower-case/);
  });
});
