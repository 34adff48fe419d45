import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const mainScript = path.join(root, 'packages/api/src/main.ts');
const orphanGuard = path.join(root, 'scripts/faults/orphan-guard.ts');

/** Every child still running, killed when the test process exits however it exits. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** The API (`packages/api/src/main.ts`) in a process of its own, as it runs in production. */
export interface ApiProcess {
  pid: number;
  /** `http://127.0.0.1:<port>/graphql` */
  url: string;
  baseUrl: string;
  /** The last lines it wrote (for failure messages). */
  output(): string;
  /** Sends `signal` and waits until the process is gone. */
  kill(signal: NodeJS.Signals): Promise<void>;
}

/**
 * Starts `main.ts` with tsx on `port` with exactly `env` (plus PATH/HOME) and waits until its
 * `/readyz` answers 200 (at most 60 s). Its stdin stays open as a lifeline: if the test dies,
 * the API shuts itself down (scripts/faults/orphan-guard.ts).
 */
export async function spawnApiProcess(env: Record<string, string>, port: number): Promise<ApiProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--import', orphanGuard, mainScript], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env, API_PORT: String(port), API_HOST: '127.0.0.1' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  running.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('exit', () => running.delete(child));
  const lines: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      lines.push(line);
      if (lines.length > 50) lines.shift();
    });
  }
  const baseUrl = `http://127.0.0.1:${port}`;
  const api: ApiProcess = {
    pid: child.pid as number,
    url: `${baseUrl}/graphql`,
    baseUrl,
    output: () => lines.join('\n'),
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
  try {
    await waitForReady(baseUrl, child, api);
  } catch (error) {
    await api.kill('SIGKILL');
    throw error;
  }
  return api;
}

async function waitForReady(baseUrl: string, child: ChildProcess, api: ApiProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the API exited (${child.exitCode}) before it was ready:\n${api.output()}`);
    const ready = await fetch(`${baseUrl}/readyz`, { signal: AbortSignal.timeout(2_000) }).then((r) => r.ok, () => false);
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the API was not ready within 60 s:\n${api.output()}`);
}

/** A TCP port nobody listens on right now. */
export function freePort(): Promise<number> {
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
