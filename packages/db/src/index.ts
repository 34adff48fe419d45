export {
  createDatabase,
  DEFAULT_READ_MAX_LAG_MS,
  type Database,
  type DatabaseClients,
  type DatabaseOptions,
  isLostStatementError,
  preparedName,
  type ReplicaClients,
} from './client.ts';
export * from './generated/prisma/client.ts';
export {
  applyMigrations,
  migrationsUnknownHere,
  diffMigrations,
  createMigration,
  withScratchDatabase,
  MigrationError,
  defaultMigrationPaths,
  type MigrationPaths,
  type CreateMigrationResult,
} from './migrations/index.ts';
export {
  startEmbeddedPostgres,
  temporaryDataDir,
  freePort,
  openDevDatabase,
  DEV_POSTGRES_PORT,
  DEV_DATABASE_NAME,
  type EmbeddedPostgres,
  type EmbeddedPostgresOptions,
  type DevDatabase,
} from './embedded/index.ts';
export { createDatabaseIfMissing, dropDatabaseIfExists, databaseUrl, databaseNameOf } from './admin/database.admin.ts';
export { normalizeEmail, normalizeStoredEmails } from './emails.ts';
export { hashPassword, verifyPassword, passwordNeedsRehash, ARGON2_OPTIONS } from './passwords.ts';
export { seedDemoData, DEMO_LOGINS, type SeedSummary } from './seed/index.ts';
