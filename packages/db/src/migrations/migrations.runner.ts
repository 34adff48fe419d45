import pg from 'pg';
import { normalizeStoredEmails } from '../emails.ts';
import { type MigrationPaths, defaultMigrationPaths, noFilters, readMigrationsList, readSchema } from './migrations.folder.ts';
import { type EngineHandle, type MigrationSettings, openSchemaEngine, takeEnginePanic } from './schema-engine.ts';

/** Thrown when the schema engine rejects a request; carries the engine's own message. */
export class MigrationError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MigrationError';
  }
}

async function withEngine<T>(
  url: string,
  paths: MigrationPaths,
  run: (handle: EngineHandle) => Promise<T>,
  settings?: MigrationSettings,
): Promise<T> {
  const handle = await openSchemaEngine(url, await readSchema(paths.schemaPath), settings);
  try {
    return await run(handle);
  } catch (error) {
    throw toMigrationError(error);
  } finally {
    await handle.dispose();
  }
}

// The engine rejects with plain objects or strings from Rust; give callers a real Error.
function toMigrationError(error: unknown): Error {
  const panic = takeEnginePanic();
  if (panic) return new MigrationError(`schema engine panicked: ${panic}`, { cause: error });
  if (error instanceof Error) return error;
  if (typeof error === 'string') return new MigrationError(error);
  const message = (error as { message?: unknown })?.message;
  return new MigrationError(typeof message === 'string' ? message : JSON.stringify(error), { cause: error });
}

/**
 * Applies every migration of the folder that the database at `url` has not recorded yet, in
 * order, and records each in `_prisma_migrations` exactly as `prisma migrate deploy` does
 * (so the stock CLI can take over the same database), then the data steps SQL cannot do
 * ({@link normalizeStoredEmails}; idempotent, so they run every time). Returns the names applied
 * just now; empty when the database was up to date.
 */
export async function applyMigrations(
  url: string,
  paths: MigrationPaths = defaultMigrationPaths,
  options: { defaultCurrency?: string } = {},
): Promise<string[]> {
  const migrationsList = await readMigrationsList(paths.migrationsDir);
  const settings: MigrationSettings = {};
  if (options.defaultCurrency) {
    if (!/^[A-Z]{3}$/.test(options.defaultCurrency)) throw new MigrationError(`Not a currency code: ${options.defaultCurrency}`);
    settings['coupons.default_currency'] = options.defaultCurrency;
  }
  const applied = await withEngine(
    url,
    paths,
    async ({ engine }) => {
      const output = await engine.applyMigrations({ migrationsList, filters: noFilters });
      return output.appliedMigrationNames;
    },
    settings,
  );
  // Only once app_user has the shape the step expects: a folder that stops earlier (a test
  // building an old release's database) has no data to bring to this release's form yet.
  if (migrationsList.migrationDirectories.some((m) => m.path.endsWith('_email_nfc'))) await normalizeStoredEmails(url);
  return applied;
}

/**
 * The SQL that would bring the migrations folder up to `schema.prisma`: what
 * `prisma migrate dev --create-only` would write. An empty string means they are in sync.
 *
 * The engine replays the folder on the database it is connected to and leaves it there, so
 * `scratchUrl` must be a throw-away database: it is reset (emptied) before the diff.
 */
export async function diffMigrations(scratchUrl: string, paths: MigrationPaths = defaultMigrationPaths): Promise<string> {
  const migrationsList = await readMigrationsList(paths.migrationsDir);
  const schema = await readSchema(paths.schemaPath);
  return withEngine(scratchUrl, paths, async ({ engine }) => {
    await engine.reset({ filter: noFilters });
    const result = await engine.diff({
      from: { tag: 'migrations', ...migrationsList },
      to: { tag: 'schemaDatamodel', files: [schema] },
      script: true,
      exitCode: true,
      filters: noFilters,
    });
    // exitCode 2 = "there is a difference"; the script is then non-empty.
    return result.exitCode === 0 ? '' : (result.stdout ?? '').trim();
  });
}

/**
 * The migrations the database at `url` records as applied that the folder does not hold: a newer
 * release migrated it (an image rolled back after its migrate job ran). Nothing is undone (write
 * migrations expand, then contract, so this release still runs on that schema), but the operator
 * is told, rather than "up to date". Empty when the database has no migrations table yet.
 */
export async function migrationsUnknownHere(url: string, paths: MigrationPaths = defaultMigrationPaths): Promise<string[]> {
  const known = new Set((await readMigrationsList(paths.migrationsDir)).migrationDirectories.map((m) => m.path));
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>(
      `SELECT migration_name AS name FROM _prisma_migrations
       WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL
       ORDER BY migration_name`,
    ).catch((error: { code?: string }) => {
      if (error.code === '42P01') return { rows: [] };
      throw error;
    });
    return rows.map((row) => row.name).filter((name) => !known.has(name));
  } finally {
    await client.end();
  }
}
