// `pnpm test:e2e`: the console's end-to-end suite against the real stack, all throw-away:
//   codegen check → next build of the console → embedded PostgreSQL (fresh data folder, free port) → migrations →
//   API (packages/api/src/main.ts via tsx) → user factory → `next start` → Playwright → teardown.
// Everything started here is stopped on success, failure and Ctrl-C.
//
//   pnpm test:e2e                    build, run every test
//   pnpm test:e2e --no-build         reuse apps/console/.next (after a build of the same sources)
//   pnpm test:e2e -- --grep race     anything after `--` goes to `playwright test`
//   E2E_VERBOSE=1 pnpm test:e2e      stream the API's and the console's logs
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort, startApiProcess, startProcessGroup, waitForHttp } from '@coupons/api/testing';
import { type EmbeddedPostgres, temporaryDataDir } from '@coupons/db';
import { startMigratedDatabase } from '@coupons/db/testing';
import { type FactoryServer, startFactoryServer } from '@coupons/e2e/harness';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const consoleDir = path.join(root, 'apps/console');
const e2eDir = path.join(root, 'e2e');
const nextBin = path.join(consoleDir, 'node_modules/next/dist/bin/next');
const playwrightCli = path.join(e2eDir, 'node_modules/@playwright/test/cli.js');
const codegenBin = path.join(consoleDir, 'node_modules/@graphql-codegen/cli/esm/bin.js');

const argv = process.argv.slice(2);
const separator = argv.indexOf('--');
const ownArgs = separator === -1 ? argv : argv.slice(0, separator);
const playwrightArgs = separator === -1 ? [] : argv.slice(separator + 1);
const skipBuild = ownArgs.includes('--no-build');
const verbose = process.env.E2E_VERBOSE === '1';
// The console's build folder (next.config.ts reads the same variable): NEXT_DIST_DIR=.next-mine
// keeps a parallel run's build apart from the default `.next`.
const distDir = process.env.NEXT_DIST_DIR ?? '.next';

const timings: Array<[string, number]> = [];
async function phase<T>(name: string, work: () => Promise<T>): Promise<T> {
  const started = Date.now();
  process.stdout.write(`e2e ▸ ${name}…\n`);
  try {
    return await work();
  } finally {
    timings.push([name, Date.now() - started]);
  }
}

// Teardown state: filled as things start, emptied by cleanup().
let cluster: EmbeddedPostgres | null = null;
let factory: FactoryServer | null = null;
/** The API and the console, stopped in reverse order of starting. */
const processes: Array<{ name: string; output(): string; stop(): Promise<void> }> = [];
const scratchDirs: string[] = [];
let cleaningUp: Promise<void> | null = null;

function cleanup(): Promise<void> {
  cleaningUp ??= (async () => {
    await Promise.allSettled(processes.reverse().map((p) => p.stop()));
    await factory?.close().catch(() => {});
    await cluster?.stop().catch(() => {});
    for (const dir of scratchDirs) fs.rmSync(dir, { recursive: true, force: true });
  })();
  return cleaningUp;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    process.stdout.write(`\ne2e ▸ ${signal}: stopping everything…\n`);
    void cleanup().finally(() => process.exit(130));
  });
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: 'inherit' });
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

async function main(): Promise<number> {
  const baseEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' };

  // The console's typed documents must match the API's schema.graphql, or the build below would
  // compile against a schema the API no longer serves.
  const codegen = await phase('check the console’s GraphQL documents against schema.graphql', () =>
    run(process.execPath, [codegenBin, '--config', 'codegen.ts', '--check'], consoleDir, baseEnv),
  );
  if (codegen !== 0) throw new Error('apps/console/src/gql is out of date or a document no longer validates: run `pnpm --filter @coupons/console codegen`');

  if (!skipBuild) {
    const code = await phase('build the console (next build)', () => run(process.execPath, [nextBin, 'build'], consoleDir, baseEnv));
    if (code !== 0) throw new Error(`next build failed (exit ${code})`);
  } else if (!fs.existsSync(path.join(consoleDir, distDir, 'BUILD_ID'))) {
    throw new Error(`--no-build given but apps/console/${distDir} has no build; run without --no-build`);
  }

  const databaseUrl = await phase('start PostgreSQL and migrate', async () => {
    const started = await startMigratedDatabase({ name: 'coupons_e2e', dataDirPrefix: 'coupons-e2e-pg-' });
    cluster = started.cluster;
    return started.url;
  });

  const [apiPort, consolePort] = [await freePort(), await freePort()];
  const consoleOrigin = `http://127.0.0.1:${consolePort}`;
  const graphqlUrl = `http://127.0.0.1:${apiPort}/graphql`;

  await phase('start the API', async () => {
    const dataDir = temporaryDataDir('coupons-e2e-api-');
    scratchDirs.push(dataDir);
    const api = await startApiProcess({
      name: 'api',
      port: apiPort,
      // tsx compiles the API on start: slow on a busy machine.
      readyTimeoutMs: 120_000,
      onLine: verbose ? (line) => process.stdout.write(`[api] ${line}\n`) : undefined,
      env: {
        NODE_ENV: 'test',
        DATABASE_URL: databaseUrl,
        JWT_SECRET: randomBytes(48).toString('base64url'),
        DATA_DIR: dataDir,
        CORS_ORIGINS: `${consoleOrigin},http://localhost:${consolePort}`,
        LOG_LEVEL: verbose ? 'info' : 'warn',
        // Every test signs in from 127.0.0.1: the production limits would throttle the suite.
        LOGIN_RATE_LIMIT: '100000',
        MUTATION_RATE_LIMIT: '100000',
        CODE_GUESS_RATE_LIMIT: '100000',
      },
    });
    processes.push(api);
  });

  factory = await phase('start the user factory', () => startFactoryServer({ graphqlUrl, databaseUrl }));

  await phase('start the console (next start)', async () => {
    const web = startProcessGroup('console', process.execPath, [nextBin, 'start', '--port', String(consolePort), '--hostname', '127.0.0.1'], {
      cwd: consoleDir,
      onLine: verbose ? (line) => process.stdout.write(`[console] ${line}\n`) : undefined,
      env: { ...baseEnv, NODE_ENV: 'production', PUBLIC_API_URL: graphqlUrl },
    });
    processes.push(web);
    await waitForHttp(`${consoleOrigin}/config.json`, web);
  });

  const exitCode = await phase('run Playwright', () =>
    run(process.execPath, [playwrightCli, 'test', '--config', path.join(e2eDir, 'playwright.config.ts'), ...playwrightArgs], root, {
      ...baseEnv,
      E2E_BASE_URL: consoleOrigin,
      E2E_GRAPHQL_URL: graphqlUrl,
      E2E_FACTORY_URL: factory?.url ?? '',
    }),
  );
  if (exitCode !== 0) {
    for (const p of processes) {
      process.stdout.write(`\n── last output of ${p.name} ──\n${p.output().split('\n').slice(-40).join('\n')}\n`);
    }
  }
  return exitCode;
}

const started = Date.now();
let code = 1;
try {
  code = await main();
} catch (error) {
  console.error(`\ne2e ▸ failed: ${error instanceof Error ? error.message : String(error)}`);
  code = 1;
} finally {
  await phase('stop everything', cleanup);
  const lines = timings.map(([name, ms]) => `  ${(ms / 1000).toFixed(1).padStart(6)}s  ${name}`);
  process.stdout.write(`\ne2e ▸ ${code === 0 ? 'passed' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)}s\n${lines.join('\n')}\n`);
}
process.exit(code);
