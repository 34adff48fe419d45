export { createTestDatabase, createEmptyDatabase, type TestDatabase, useTestDatabase } from './test-database.ts';
export type { TestDatabaseContext } from './test-database.context.ts';
export { useFixture } from './use-fixture.ts';
export { startMigratedDatabase, type MigratedDatabase, type MigratedDatabaseOptions } from './migrated-database.ts';
export { startStreamingReplica, type StreamingReplica } from './streaming-replica.ts';
export { type PgBouncer, startPgBouncer } from './pgbouncer.ts';
export { type HeldLock, type HeldStatement, holdLock, type LockWaitersOptions, lockWaiters } from './row-locks.ts';
