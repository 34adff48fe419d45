import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import { createInterface } from 'node:readline';

/** A child process of the e2e run, with its recent output kept to explain a failure. */
export interface ManagedProcess {
  name: string;
  child: ChildProcess;
  /** The last lines the process printed (stdout and stderr). */
  recentOutput(): string[];
  /** SIGTERM to the whole process group, SIGKILL after `graceMs`. Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

const KEEP_LINES = 200;

/**
 * Starts a child in its own process group, so stopping it also stops what it spawned (tsx, next
 * workers). Output goes to the terminal only with `verbose`; it is always kept for failures.
 */
export function startProcess(
  name: string,
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; verbose: boolean },
): ManagedProcess {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const lines: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    createInterface({ input: stream }).on('line', (line) => {
      lines.push(line);
      if (lines.length > KEEP_LINES) lines.shift();
      if (options.verbose) process.stdout.write(`[${name}] ${line}\n`);
    });
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stopping: Promise<void> | null = null;
  return {
    name,
    child,
    recentOutput: () => [...lines],
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

/** Polls `url` until it answers 2xx, the process dies, or the timeout passes. */
export async function waitForHttp(url: string, owner: ManagedProcess | null, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (owner && owner.child.exitCode !== null) {
      throw new Error(`${owner.name} exited with code ${owner.child.exitCode} before ${url} answered:\n${owner.recentOutput().slice(-30).join('\n')}`);
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000}s${owner ? `:\n${owner.recentOutput().slice(-30).join('\n')}` : ''}`);
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
