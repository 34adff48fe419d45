export {
  startEmbeddedPostgres,
  temporaryDataDir,
  type EmbeddedPostgres,
  type EmbeddedPostgresOptions,
} from './embedded-postgres.ts';
export { freePort } from './free-port.ts';
export { openDevDatabase, DEV_POSTGRES_PORT, DEV_DATABASE_NAME, type DevDatabase } from './dev-database.ts';
