import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { projectRoot } from '@coupons/config';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres, temporaryDataDir } from './embedded-postgres.ts';

const fixture = path.join(path.dirname(fileURLToPath(import.meta.url)), 'embedded-postgres.child-fixture.ts');
const parents: string[] = [];
afterAll(() => {
  for (const dir of parents) fs.rmSync(dir, { recursive: true, force: true });
});

/** A data dir path inside a fresh temp folder (the folder itself is removed after the tests). */
function newDataDir(): string {
  const parent = temporaryDataDir('coupons-embedded-test-');
  parents.push(parent);
  return path.join(parent, 'pg');
}

/** Processes whose command line mentions `text` (pgrep itself excluded). */
function processesMatching(text: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    execFile('pgrep', ['-f', text], (error, stdout) => {
      if (error && error.code !== 1) reject(error);
      else resolve(stdout.split('\n').filter(Boolean));
    });
  });
}

async function eventually(check: () => Promise<boolean> | boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return check();
}

async function query(url: string, text: string) {
  const client = new pg.Client(url);
  await client.connect();
  try {
    return (await client.query(text)).rows;
  } finally {
    await client.end();
  }
}

describe('startEmbeddedPostgres', { timeout: 60_000 }, () => {
  it('serves SQL, and stop() leaves no process and (throw-away) no files', async () => {
    const dataDir = newDataDir();
    const cluster = await startEmbeddedPostgres({ dataDir, persistent: false });
    expect(await processesMatching(dataDir)).not.toEqual([]);
    const [row] = await query(cluster.adminUrl, "SELECT current_setting('server_encoding') AS encoding, 1 + 1 AS two");
    expect(row).toEqual({ encoding: 'UTF8', two: 2 });

    await cluster.stop();
    await cluster.stop(); // idempotent
    expect(await processesMatching(dataDir)).toEqual([]);
    expect(fs.existsSync(dataDir)).toBe(false);
  });

  it('keeps a persistent cluster and initialises it only once', async () => {
    const dataDir = newDataDir();
    const first = await startEmbeddedPostgres({ dataDir, persistent: true });
    await query(first.adminUrl, 'CREATE TABLE kept (id int)');
    await first.stop();
    expect(await processesMatching(dataDir)).toEqual([]);
    expect(fs.existsSync(path.join(dataDir, 'PG_VERSION'))).toBe(true);

    const second = await startEmbeddedPostgres({ dataDir, persistent: true });
    try {
      expect(await query(second.adminUrl, "SELECT to_regclass('kept') IS NOT NULL AS kept")).toEqual([{ kept: true }]);
    } finally {
      await second.stop();
    }
  });

  it('refuses a folder that holds something else', async () => {
    const dataDir = newDataDir();
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(path.join(dataDir, 'notes.txt'), 'not a database');
    await expect(startEmbeddedPostgres({ dataDir, persistent: true })).rejects.toThrow(/neither empty nor a PostgreSQL data folder/);
  });
});

describe('no orphaned PostgreSQL when the owning process dies', { timeout: 60_000 }, () => {
  /** Starts the fixture and resolves with its pid once its cluster is up. */
  function startChild(mode: string, dataDir: string, persistence = 'throwaway') {
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, mode, dataDir, persistence], {
      cwd: projectRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const ready = new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk) => {
        output += chunk;
        if (output.includes('READY')) resolve();
      });
      child.stderr.on('data', (chunk) => {
        output += chunk;
      });
      void exited.then(() => reject(new Error(`fixture exited before READY:\n${output}`)));
    });
    return { child, ready, exited, output: () => output };
  }

  async function expectNothingLeft(dataDir: string, withinMs: number, filesRemain = false) {
    expect(await eventually(async () => (await processesMatching(dataDir)).length === 0, withinMs)).toBe(true);
    expect(await eventually(() => fs.existsSync(dataDir) === filesRemain, withinMs)).toBe(true);
  }

  it.each(['throw', 'reject'])('cleans up after an uncaught error (%s)', async (mode) => {
    const dataDir = newDataDir();
    const run = startChild(mode, dataDir);
    await run.ready;
    expect(await run.exited).not.toBe(0);
    expect(run.output()).toContain('expected by the test');
    await expectNothingLeft(dataDir, 2_000);
  });

  it.each(['SIGINT', 'SIGTERM'] as const)('stops the cluster on %s', async (signal) => {
    const dataDir = newDataDir();
    const run = startChild('wait', dataDir);
    await run.ready;
    run.child.kill(signal);
    expect(await run.exited).toBe(128 + (signal === 'SIGINT' ? 2 : 15));
    await expectNothingLeft(dataDir, 2_000);
  });

  it('leaves the shutdown to an application that handles SIGINT itself', async () => {
    const dataDir = newDataDir();
    const run = startChild('own-shutdown', dataDir);
    await run.ready;
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
    expect(run.output()).toContain('APP SHUTDOWN OK'); // the database was still up while it drained
    await expectNothingLeft(dataDir, 2_000);
  });

  it('keeps a persistent cluster\'s files but not its process on SIGINT', async () => {
    const dataDir = newDataDir();
    const run = startChild('wait', dataDir, 'persistent');
    await run.ready;
    run.child.kill('SIGINT');
    await run.exited;
    await expectNothingLeft(dataDir, 2_000, true);
    expect(fs.existsSync(path.join(dataDir, 'PG_VERSION'))).toBe(true);
  });

  it('even on SIGKILL, the watchdog stops the cluster', async () => {
    const dataDir = newDataDir();
    const run = startChild('wait', dataDir);
    await run.ready;
    run.child.kill('SIGKILL');
    await run.exited;
    // The watchdog polls once a second, then waits for the postmaster to exit.
    await expectNothingLeft(dataDir, 10_000);
  });
});
