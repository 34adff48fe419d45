import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '@coupons/config';
import type { TokenSettings } from '@coupons/core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const mainScript = path.join(root, 'packages/api/src/main.ts');
const orphanGuard = path.join(root, 'bench/lib/orphan-guard.ts');

/** One secret per run, shared by every API process of the run and by the token signer here. */
const jwtSecret = randomBytes(48).toString('base64url');

/** An API server running in its own process (its own event loop and core, like production). */
export interface ApiProcess {
  name: string;
  pid: number;
  /** `http://127.0.0.1:<port>/graphql` */
  url: string;
  /** `ws://127.0.0.1:<port>/graphql` */
  wsUrl: string;
  /** Lines the process logged (warn and above) since the last call: the runner reports them per scenario. */
  takeLog(): string[];
  stop(): Promise<void>;
}

export interface ApiProcessOptions {
  name: string;
  databaseUrl: string;
  poolSize: number;
  /** Folder for a V8 CPU profile of the whole process (`--cpu-prof`), written when it stops. */
  cpuProfileDir?: string;
}

const running = new Set<ChildProcess>();

/** The environment the API runs with: production mode, quiet logs, limits that never trip. */
function apiEnvironment(options: ApiProcessOptions, port: number): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    DATABASE_URL: options.databaseUrl,
    API_HOST: '127.0.0.1',
    API_PORT: String(port),
    JWT_SECRET: jwtSecret,
    LOG_LEVEL: 'warn',
    DB_POOL_SIZE: String(options.poolSize),
    // The benchmark measures the claim path, not the abuse guards: thousands of users from one
    // address would otherwise be throttled.
    MUTATION_RATE_LIMIT: '100000000',
    MUTATION_IP_RATE_LIMIT: '100000000',
    LOGIN_RATE_LIMIT: '100000000',
    DATA_DIR: path.join(os.tmpdir(), 'coupons-bench-api'),
  };
}

/** The token settings of the API processes: tokens signed here are accepted there. */
export function apiTokenSettings(): TokenSettings {
  const config = loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgresql://x@127.0.0.1/x', JWT_SECRET: jwtSecret });
  return { secret: config.JWT_SECRET, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE, ttlSeconds: config.JWT_TTL_SECONDS };
}

/**
 * Starts `node --import tsx packages/api/src/main.ts` as a child and waits until `/readyz` says
 * the database and the live-event listener are up.
 */
export async function startApiProcess(options: ApiProcessOptions): Promise<ApiProcess> {
  const port = await freePort();
  const profileArgs = options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`] : [];
  // stdin stays an open pipe: the orphan guard exits the API when this process dies (even by SIGKILL).
  const child = spawn(process.execPath, [...profileArgs, '--import', 'tsx', '--import', orphanGuard, mainScript], {
    cwd: root,
    env: apiEnvironment(options, port),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  running.add(child);
  const output: string[] = [];
  let unread: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      output.push(line);
      if (output.length > 100) output.shift();
      if (unread.length < 1_000) unread.push(line);
    });
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('exit', () => running.delete(child));
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitUntilReady(`${base}/readyz`, child, output);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  let stopping: Promise<void> | undefined;
  return {
    name: options.name,
    pid: child.pid as number,
    url: `${base}/graphql`,
    wsUrl: `ws://127.0.0.1:${port}/graphql`,
    takeLog() {
      const lines = unread;
      unread = [];
      return lines;
    },
    stop() {
      stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        // SIGTERM: main.ts drains and exits, which also writes the CPU profile when asked for.
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
        await exited;
        clearTimeout(timer);
      })();
      return stopping;
    },
  };
}

/** Synchronous last resort for `process.on('exit')`: nothing asynchronous runs there. */
export function killApiProcessesNow(): void {
  for (const child of running) child.kill('SIGKILL');
}

async function waitUntilReady(url: string, child: ChildProcess, output: string[], timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`API exited with code ${child.exitCode} before it was ready:\n${output.slice(-30).join('\n')}`);
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`API was not ready within ${timeoutMs / 1000} s:\n${output.slice(-30).join('\n')}`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** Keeps a profile folder from a previous run from mixing into this one. */
export function freshDir(dir: string): string {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}
