// `pnpm dev`: database (embedded unless DATABASE_URL is set) → migrations → demo seed → API and
// console, with prefixed logs, the URLs and demo logins printed, and everything stopped on Ctrl-C.
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { ConfigError, loadConfig, projectRoot } from '@coupons/config';
import { applyMigrations, createDatabase, DEMO_LOGINS, openDevDatabase, seedDemoData } from '@coupons/db';

const colors = { db: '\x1b[34m', api: '\x1b[32m', console: '\x1b[35m', dev: '\x1b[36m' } as const;
const reset = '\x1b[0m';

function log(source: keyof typeof colors, line: string): void {
  process.stdout.write(`${colors[source]}[${source}]${reset} ${line}\n`);
}

/** Starts a child with its output prefixed; the child dies with us (own process group is killed). */
function start(name: 'api' | 'console', command: string, args: string[], env: NodeJS.ProcessEnv, cwd = projectRoot) {
  const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => log(name, line));
  }
  return child;
}

async function main(): Promise<void> {
  const config = loadConfig();
  const database = await openDevDatabase(config);
  log('db', `PostgreSQL: ${database.source}`);
  const children: ChildProcess[] = [];
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    log('dev', 'stopping…');
    for (const child of children) {
      if (child.pid && child.exitCode === null) {
        try {
          process.kill(-child.pid, 'SIGTERM');
        } catch {}
      }
    }
    await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : null)));
    await database.stop();
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  const applied = await applyMigrations(database.url);
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
  const consoleApp = start(
    'console',
    'pnpm',
    ['exec', 'next', 'dev', '--port', String(config.CONSOLE_PORT)],
    { NEXT_PUBLIC_API_URL: config.PUBLIC_API_URL ?? apiUrl, NEXT_TELEMETRY_DISABLED: '1' },
    path.join(projectRoot, 'apps/console'),
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

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
