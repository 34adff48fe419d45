import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '@coupons/config';
import { createTestDatabase, type TestDatabase } from '@coupons/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// What an operator meets when a setting is wrong or a start fails: the process exits non-zero
// with one clear line that names the variable to look at, no stack trace, no secret.

const SECRET = 'S3cretPassw0rd';

interface Run {
  code: number | null;
  output: string;
}

/** Runs a TypeScript entry point with `env` (on top of a clean, test-free environment) until it exits. */
function run(entry: string, env: Record<string, string>, timeoutMs = 40_000): Promise<Run> {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^(DATABASE_|VITEST|NODE_ENV|API_PORT|DATA_DIR|JWT_|LOG_)/.test(key)),
  );
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', entry], {
      cwd: projectRoot,
      env: { ...base, LOG_FORMAT: 'json', JWT_SECRET: 'j'.repeat(40), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${entry} did not exit within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

const api = path.join('packages', 'api', 'src', 'main.ts');
const migrate = path.join('packages', 'db', 'src', 'cli', 'migrate.ts');

/** One clear line naming `variable`: exit code not 0, no stack frame, no secret. */
function expectOneClearLine(result: Run, variable: string): void {
  expect(result.code, result.output).not.toBe(0);
  expect(result.output, 'a stack trace').not.toMatch(/^\s+at /m);
  expect(result.output, 'the secret').not.toContain(SECRET);
  expect(result.output).toContain(variable);
  expect(result.output.trim().split('\n').length, result.output).toBeLessThanOrEqual(2);
}

describe('the API refuses a malformed or dangerous setting in one line (pinned: these hold)', { timeout: 60_000 }, () => {
  const cases: Array<[string, Record<string, string>]> = [
    ['LOG_LEVEL', { LOG_LEVEL: 'verbose' }],
    ['DB_POOL_SIZE', { DB_POOL_SIZE: '-3' }],
    ['JWT_TTL_SECONDS', { JWT_TTL_SECONDS: '1h' }],
    ['IDEMPOTENCY_TTL_HOURS', { IDEMPOTENCY_TTL_HOURS: 'a day' }],
    ['JWT_SECRET', { NODE_ENV: 'production', JWT_SECRET: 'short' }],
    ['DATABASE_URL', { DATABASE_URL: `mysql://admin:${SECRET}@127.0.0.1:3306/x` }],
    ['API_PORT', { API_PORT: '70000' }],
  ];
  for (const [variable, env] of cases) {
    it(`${variable}=${Object.values(env).at(-1)}`, async () => {
      const result = await run(api, { DATABASE_URL: `postgresql://admin:${SECRET}@127.0.0.1:1/x`, ...env });
      expectOneClearLine(result, variable);
    });
  }
  it('JWT_SECRET unset in production', async () => {
    const result = await run(api, { NODE_ENV: 'production', JWT_SECRET: '', DATABASE_URL: `postgresql://admin:${SECRET}@127.0.0.1:1/x` });
    expectOneClearLine(result, 'JWT_SECRET');
  });
});

describe('the API names DATABASE_URL when it cannot use it', { timeout: 60_000 }, () => {
  it('a server that does not answer: one line naming DATABASE_URL, not a stack trace', async () => {
    const result = await run(api, { DATABASE_URL: `postgresql://admin:${SECRET}@127.0.0.1:1/coupons`, API_PORT: '0' });
    expectOneClearLine(result, 'DATABASE_URL');
  });

  it('a URL past its scheme that is malformed (port "notaport"): one line naming DATABASE_URL', async () => {
    const result = await run(api, { DATABASE_URL: `postgresql://admin:${SECRET}@127.0.0.1:notaport/coupons`, API_PORT: '0' });
    expectOneClearLine(result, 'DATABASE_URL');
  });
});

describe('the API names API_PORT when the port is taken', { timeout: 60_000 }, () => {
  let t: TestDatabase;
  let holder: net.Server;
  let port: number;
  beforeAll(async () => {
    t = await createTestDatabase({ poolSize: 1 });
    holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '0.0.0.0', resolve));
    port = (holder.address() as net.AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => holder?.close(resolve));
    await t?.drop();
  });

  it('exits non-zero with one line naming API_PORT', async () => {
    const result = await run(api, { DATABASE_URL: t.url, API_PORT: String(port), API_HOST: '0.0.0.0' });
    expectOneClearLine(result, 'API_PORT');
  });
});

describe('`pnpm db:migrate` on an embedded dev cluster that cannot start', { timeout: 90_000 }, () => {
  // A data folder PostgreSQL refuses (here: a PG_VERSION and nothing else, as a half-copied or
  // damaged folder; the same happens when port 54329 is held by another cluster): the start
  // fails. The migrate CLI must say so and exit 1 — not exit 0 having migrated nothing.
  let dataDir: string;
  beforeAll(() => {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'coupons-ops-'));
    fs.chmodSync(parent, 0o755);
    dataDir = path.join(parent, 'data');
    fs.mkdirSync(path.join(dataDir, 'pg'), { recursive: true, mode: 0o755 });
    fs.writeFileSync(path.join(dataDir, 'pg', 'PG_VERSION'), '18\n');
  });
  afterAll(() => {
    if (dataDir) fs.rmSync(path.dirname(dataDir), { recursive: true, force: true });
  });

  it('exits non-zero and says PostgreSQL did not start', async () => {
    const result = await run(migrate, { DATA_DIR: dataDir, DATABASE_URL: '' });
    expect(result.code, result.output).toBe(1);
    expect(result.output).toMatch(/Embedded PostgreSQL failed to start/);
  });
});
