export { applyMigrations, diffMigrations, MigrationError, migrationsUnknownHere } from './migrations.runner.ts';
export { defaultMigrationPaths, type MigrationPaths } from './migrations.folder.ts';
export { createMigration, withScratchDatabase, type CreateMigrationResult } from './migration.create.ts';
