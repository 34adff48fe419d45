import { loadConfig } from '@coupons/config';
import { systemClock } from '@coupons/core';
import { createTestDatabase, type TestDatabase } from '@coupons/db/testing';
import { afterAll, beforeAll } from 'vitest';
import { type ApiProcess, type ApiProcessOptions, apiProcessEnv, startApiProcess } from './api-process.ts';
import type { UserTarget } from './factories.ts';

/** What `useApiProcesses` gives a test file: read its fields inside tests and hooks, not at load time. */
export interface UsedApiProcesses {
  /** The file's fresh database. */
  readonly database: TestDatabase;
  /** Every process's environment: `apiProcessEnv(database.url, extraEnv)`. */
  readonly env: Record<string, string>;
  /** For `createUsers`: the database, and the configuration the processes sign tokens with. */
  readonly users: UserTarget;
  /** The processes started so far, in order (`processes.splice(0)` to take some out mid-test). */
  readonly processes: ApiProcess[];
  /** Starts one more API process (main.ts in a child) on the database, with `env`. */
  start(options?: Omit<ApiProcessOptions, 'env'>): Promise<ApiProcess>;
}

/**
 * What a test of real API processes starts with: a `beforeAll` that makes a fresh database and
 * the processes' environment, and an `afterAll` that SIGKILLs every process the file started (a
 * fault test leaves them in any state) and drops the database.
 *
 * @example
 * const t = useApiProcesses({ CODE_JOB_STALE_AFTER_MS: '2000' });
 * const first = await t.start(); … t.database.db …
 */
export function useApiProcesses(extraEnv: Record<string, string> = {}): UsedApiProcesses {
  const processes: ApiProcess[] = [];
  let started: { database: TestDatabase; env: Record<string, string> } | undefined;
  beforeAll(async () => {
    const database = await createTestDatabase();
    started = { database, env: apiProcessEnv(database.url, extraEnv) };
  });
  afterAll(async () => {
    for (const api of processes) await api.kill('SIGKILL');
    await started?.database.drop();
  });
  const current = () => {
    if (!started) throw new Error('useApiProcesses: read inside a test or hook, after its beforeAll has run');
    return started;
  };
  return {
    get database() {
      return current().database;
    },
    get env() {
      return current().env;
    },
    get users() {
      const { database, env } = current();
      return { db: database.db, config: loadConfig({ ...env, LOG_LEVEL: 'silent' }), clock: systemClock };
    },
    processes,
    async start(options = {}) {
      const api = await startApiProcess({ ...options, env: current().env });
      processes.push(api);
      return api;
    },
  };
}
