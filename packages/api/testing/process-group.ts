import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** A child in a process group of its own (e.g. `next start` and its workers), its recent output kept. */
export interface ProcessGroup {
  name: string;
  child: ChildProcess;
  /** The last lines it printed, stdout and stderr (for failure messages). */
  output(): string;
  /** SIGTERM to the whole group, SIGKILL after `graceMs`. Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

export interface ProcessGroupOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Called with every line it prints (e.g. to stream it to the terminal). */
  onLine?: (line: string) => void;
}

/** Lines of output kept per process. */
const KEEP_LINES = 200;

/**
 * Keeps the last `keep` lines `child` writes to stdout and stderr, passing each to `onLine`; the
 * one output reader of `startProcessGroup` and `startApiProcess`.
 */
export function keepOutput(child: ChildProcess, keep: number, onLine?: (line: string) => void): string[] {
  const lines: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    createInterface({ input: stream }).on('line', (line) => {
      lines.push(line);
      if (lines.length > keep) lines.shift();
      onLine?.(line);
    });
  }
  return lines;
}

/**
 * Starts `command` in its own process group, so stopping it also stops what it spawned (tsx, the
 * Next.js workers). For the API itself use `startApiProcess`.
 */
export function startProcessGroup(name: string, command: string, args: string[], options: ProcessGroupOptions): ProcessGroup {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const lines = keepOutput(child, KEEP_LINES, options.onLine);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stopping: Promise<void> | null = null;
  return {
    name,
    child,
    output: () => lines.join('\n'),
    stop(graceMs = 5_000) {
      stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
        signalGroup(child.pid, 'SIGTERM');
        const timer = setTimeout(() => signalGroup(child.pid as number, 'SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
        // Whatever the leader left behind in its group goes too.
        signalGroup(child.pid, 'SIGKILL');
      })();
      return stopping;
    },
  };
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}

/** Polls `url` until it answers 2xx, `owner` exits, or the timeout passes. */
export async function waitForHttp(url: string, owner: ProcessGroup | null, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const lastOutput = () => (owner ? `:\n${owner.output().split('\n').slice(-30).join('\n')}` : '');
  while (Date.now() < deadline) {
    if (owner && owner.child.exitCode !== null) {
      throw new Error(`${owner.name} exited with code ${owner.child.exitCode} before ${url} answered${lastOutput()}`);
    }
    const ok = await fetch(url, { signal: AbortSignal.timeout(2_000) }).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000}s${lastOutput()}`);
}
