import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type ApiProcess, killApiProcessesNow, startApiProcess as startHarnessApiProcess } from '@coupons/api/testing';
import { loadConfig } from '@coupons/config';
import type { TokenSettings } from '@coupons/core';

export { type ApiProcess, killApiProcessesNow };

/** One secret per run, shared by every API process of the run and by the token signer here. */
const jwtSecret = randomBytes(48).toString('base64url');

export interface BenchApiOptions {
  name: string;
  databaseUrl: string;
  poolSize: number;
  /** Folder for a V8 CPU profile of the whole process (`--cpu-prof`), written when it stops. */
  cpuProfileDir?: string;
  /** More environment on top of the benchmark's, e.g. CORS_ORIGINS for a browser scenario. */
  env?: Record<string, string>;
}

/** The environment the API runs with: production mode, quiet logs, limits that never trip. */
function apiEnvironment(options: BenchApiOptions): Record<string, string> {
  return {
    NODE_ENV: 'production',
    DATABASE_URL: options.databaseUrl,
    JWT_SECRET: jwtSecret,
    LOG_LEVEL: 'warn',
    DB_POOL_SIZE: String(options.poolSize),
    // The benchmark measures the claim path, not the abuse guards: thousands of users from one
    // address would otherwise be throttled.
    MUTATION_RATE_LIMIT: '100000000',
    MUTATION_IP_RATE_LIMIT: '100000000',
    LOGIN_RATE_LIMIT: '100000000',
    CODE_GUESS_RATE_LIMIT: '100000000',
    DATA_DIR: path.join(os.tmpdir(), 'coupons-bench-api'),
    ...options.env,
  };
}

/** The token settings of the API processes: tokens signed here are accepted there. */
export function apiTokenSettings(): TokenSettings {
  const config = loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgresql://x@127.0.0.1/x', JWT_SECRET: jwtSecret });
  return { secret: config.JWT_SECRET, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE, ttlSeconds: config.JWT_TTL_SECONDS };
}

/**
 * Starts the API in its own process (its own event loop and core, like production) with the
 * shared harness of `@coupons/api/testing`, in the benchmark's environment, and waits until
 * `/readyz` says the database and the live-event listener are up.
 */
export function startApiProcess(options: BenchApiOptions): Promise<ApiProcess> {
  return startHarnessApiProcess({
    name: options.name,
    env: apiEnvironment(options),
    nodeArgs: options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`] : [],
  });
}

/** Keeps a profile folder from a previous run from mixing into this one. */
export function freshDir(dir: string): string {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}
