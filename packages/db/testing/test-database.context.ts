/** What the global setup hands to every test file (through vitest's provide/inject). */
export interface TestDatabaseContext {
  /** A URL on the test server from which databases can be created and dropped. */
  adminUrl: string;
  /** The migrated database that each test database is copied from. */
  templateName: string;
  /** Prefix of every database this run creates, so teardown can find leftovers. */
  prefix: string;
}

export const TEST_DATABASE_KEY = 'couponsTestDatabase';

declare module 'vitest' {
  export interface ProvidedContext {
    couponsTestDatabase: TestDatabaseContext;
  }
}
