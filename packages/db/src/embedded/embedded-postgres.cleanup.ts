import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';

// Nothing may outlive the process that started a cluster. Three layers, because each covers
// what the one before cannot:
//  1. stop() — the normal path, awaited by whoever started the cluster;
//  2. signal and 'exit' handlers in this process — Ctrl-C, SIGTERM, an uncaught exception
//     (Node emits 'exit' after printing it, and only synchronous work is possible there); an
//     application with its own signal handlers keeps control of the order of its shutdown;
//  3. a tiny detached shell watchdog per cluster — SIGKILL of this process, or a crash that
//     skips 'exit' (an OOM kill, a vitest worker killed on timeout).

/** What the process-wide cleanup needs to know about a running cluster. */
export interface RunningCluster {
  pid: number;
  dataDir: string;
  persistent: boolean;
  /** The graceful, asynchronous stop. */
  stop(): Promise<void>;
}

const running = new Set<RunningCluster>();
const watchdogs = new Map<RunningCluster, ChildProcess>();
let handlersInstalled = false;

/** Tracks a started cluster so that exits and signals stop it. */
export function registerCluster(cluster: RunningCluster): void {
  installHandlers();
  running.add(cluster);
  const watchdog = startWatchdog(cluster);
  if (watchdog) watchdogs.set(cluster, watchdog);
}

/** Forgets a cluster after it stopped normally, and ends its watchdog. */
export async function unregisterCluster(cluster: RunningCluster): Promise<void> {
  running.delete(cluster);
  const watchdog = watchdogs.get(cluster);
  watchdogs.delete(cluster);
  if (watchdog && watchdog.exitCode === null && watchdog.signalCode === null) {
    const exited = new Promise<void>((resolve) => watchdog.once('exit', () => resolve()));
    watchdog.kill('SIGKILL');
    await Promise.race([exited, delay(2_000)]);
  }
}

/** True while the process with this id exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', stopAllSync);
  for (const [signal, number] of [['SIGINT', 2], ['SIGTERM', 15], ['SIGHUP', 1]] as const) {
    process.on(signal, () => {
      // When the application listens too (pnpm dev drains its API before stopping the
      // database), the shutdown is its to run: only a safety net is armed here. Otherwise the
      // signal's default meaning applies: stop gracefully, then exit.
      const shutdown = () =>
        void Promise.race([Promise.allSettled([...running].map((c) => c.stop())), delay(10_000)]).finally(() =>
          process.exit(128 + number),
        );
      if (process.listenerCount(signal) > 1) setTimeout(shutdown, 20_000).unref();
      else shutdown();
    });
  }
}

// In 'exit' nothing asynchronous runs, so signal the postmaster and wait for it by polling.
// A throw-away cluster gets SIGQUIT (immediate shutdown, no checkpoint: its files are deleted
// next); a persistent one gets SIGINT (fast shutdown, so the next start needs no recovery).
function stopAllSync(): void {
  for (const cluster of running) {
    try {
      process.kill(cluster.pid, cluster.persistent ? 'SIGINT' : 'SIGQUIT');
    } catch {
      // already gone
    }
    const deadline = Date.now() + 5_000;
    while (isAlive(cluster.pid) && Date.now() < deadline) sleepSync(20);
    if (isAlive(cluster.pid)) killQuietly(cluster.pid, 'SIGKILL');
    if (!cluster.persistent) fs.rmSync(cluster.dataDir, { recursive: true, force: true });
    watchdogs.get(cluster)?.kill('SIGKILL');
  }
  running.clear();
}

function killQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

// The watchdog polls this process; when it is gone, it shuts the postmaster down and, for a
// throw-away cluster, deletes the data folder. Arguments are passed positionally, never
// interpolated into the script. Its command line deliberately leaves out the data directory,
// so `pgrep -f <dataDir>` only ever finds PostgreSQL itself.
const watchdogScript = `
owner=$1; pg=$2; mode=$3
while kill -0 "$owner" 2>/dev/null; do sleep 1; done
if [ "$mode" = persistent ]; then kill -INT "$pg" 2>/dev/null; else kill -QUIT "$pg" 2>/dev/null; fi
i=0; while kill -0 "$pg" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
kill -KILL "$pg" 2>/dev/null
if [ "$mode" != persistent ]; then rm -rf -- "$(cat)"; fi
`;

function startWatchdog(cluster: RunningCluster): ChildProcess | undefined {
  if (process.platform === 'win32') return undefined;
  const mode = cluster.persistent ? 'persistent' : 'throwaway';
  const child = spawn('sh', ['-c', watchdogScript, 'coupons-pg-watchdog', String(process.pid), String(cluster.pid), mode], {
    detached: true,
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  // The data directory travels on stdin (see above); the shell reads it only when it cleans up.
  child.stdin?.end(cluster.dataDir);
  child.on('error', () => {}); // no `sh`: layers 1 and 2 still apply
  child.unref();
  return child;
}
