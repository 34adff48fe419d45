import { randomBytes } from 'node:crypto';
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@coupons/db';
import { keepOutput } from './process-group.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const mainScript = path.join(root, 'packages/api/src/main.ts');
const orphanGuard = path.join(root, 'packages/api/testing/orphan-guard.ts');

/** Lines of output kept per process (for failure messages and `takeLog`). */
const KEEP_LINES = 100;

/** Every child still running, killed when the starting process exits however it exits. */
const running = new Set<ChildProcess>();
process.once('exit', killApiProcessesNow);

/** The API (`packages/api/src/main.ts`) in a process of its own, as it runs in production. */
export interface ApiProcess {
  /** The name it was started with (for reports). */
  name: string;
  pid: number;
  /** `http://127.0.0.1:<port>/graphql` */
  url: string;
  /** `ws://127.0.0.1:<port>/graphql` */
  wsUrl: string;
  /** `http://127.0.0.1:<port>` (for /healthz, /readyz, downloads) */
  baseUrl: string;
  /** The last lines it wrote, stdout and stderr (for failure messages). */
  output(): string;
  /** The lines it wrote since the last call (at most 1,000), e.g. to report warnings per step. */
  takeLog(): string[];
  /** Sends `signal` and waits until the process is gone (SIGKILL simulates a crash). */
  kill(signal: NodeJS.Signals): Promise<void>;
  /** SIGTERM (the API drains and exits), SIGKILL after `graceMs`; idempotent. */
  stop(graceMs?: number): Promise<void>;
}

export interface ApiProcessOptions {
  /**
   * The API's whole environment (only PATH and HOME are inherited): the database URL, the
   * secret, NODE_ENV and the limits are the caller's choice. API_HOST and API_PORT are set here.
   */
  env: Record<string, string | undefined>;
  /** The port to listen on (default: a free one). A restarted process can take its predecessor's. */
  port?: number;
  /** A name for reports (default `api`). */
  name?: string;
  /** Extra Node options before the script, e.g. `--cpu-prof`. */
  nodeArgs?: string[];
  /** How long to wait for `/readyz` (default 60 s). */
  readyTimeoutMs?: number;
  /** Called with every line it prints (e.g. to stream its log to the terminal). */
  onLine?: (line: string) => void;
}

/**
 * The environment of a test's API process: NODE_ENV=test on `databaseUrl`, a fresh secret, warnings
 * and errors only, a pool of 10, then `extra` (limits, intervals …) over those.
 */
export function apiProcessEnv(databaseUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    JWT_SECRET: randomBytes(32).toString('base64url'),
    LOG_LEVEL: 'warn',
    DB_POOL_SIZE: '10',
    ...extra,
  };
}

/**
 * Starts `node --import tsx packages/api/src/main.ts` as a child and waits until its `/readyz`
 * answers 200 (database and live-event listener up). Its stdin stays open as a lifeline: when
 * the starting process dies in any way, the API shuts itself down (`orphan-guard.ts`) instead of
 * living on against a database that is about to be dropped.
 *
 * @example
 * const api = await startApiProcess({ env: { NODE_ENV: 'test', DATABASE_URL: t.url, JWT_SECRET: secret } });
 * try { … api.url … } finally { await api.stop(); }
 */
export async function startApiProcess(options: ApiProcessOptions): Promise<ApiProcess> {
  const port = options.port ?? (await freePort());
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', 'tsx', '--import', orphanGuard, mainScript], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...options.env, API_PORT: String(port), API_HOST: '127.0.0.1' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  running.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('exit', () => running.delete(child));
  let unread: string[] = [];
  const lines = keepOutput(child, KEEP_LINES, (line) => {
    if (unread.length < 1_000) unread.push(line);
    options.onLine?.(line);
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  let stopping: Promise<void> | undefined;
  const isRunning = () => child.exitCode === null && child.signalCode === null;
  const api: ApiProcess = {
    name: options.name ?? 'api',
    pid: child.pid as number,
    url: `${baseUrl}/graphql`,
    wsUrl: `ws://127.0.0.1:${port}/graphql`,
    baseUrl,
    output: () => lines.join('\n'),
    takeLog() {
      const taken = unread;
      unread = [];
      return taken;
    },
    async kill(signal) {
      if (isRunning()) child.kill(signal);
      await exited;
    },
    stop(graceMs = 20_000) {
      stopping ??= (async () => {
        if (!isRunning()) return;
        // SIGTERM: main.ts drains and exits (which also writes a CPU profile when asked for).
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      })();
      return stopping;
    },
  };
  try {
    await waitForReady(api, child, options.readyTimeoutMs ?? 60_000);
  } catch (error) {
    await api.kill('SIGKILL');
    throw error;
  }
  return api;
}

/** SIGKILLs every API process still running: a synchronous last resort for `process.on('exit')`. */
export function killApiProcessesNow(): void {
  for (const child of running) child.kill('SIGKILL');
}

async function waitForReady(api: ApiProcess, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${api.name} exited (${child.exitCode}) before it was ready:\n${api.output()}`);
    const ready = await fetch(`${api.baseUrl}/readyz`, { signal: AbortSignal.timeout(2_000) }).then((r) => r.ok, () => false);
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${api.name} was not ready within ${timeoutMs / 1000} s:\n${api.output()}`);
}

