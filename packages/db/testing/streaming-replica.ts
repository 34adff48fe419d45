import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import pg from 'pg';
import { createDatabaseIfMissing, databaseUrl } from '../src/admin/database.admin.ts';
import { delay, isAlive, type RunningCluster, registerCluster, unregisterCluster } from '../src/embedded/embedded-postgres.cleanup.ts';
import { type EmbeddedPostgres, startEmbeddedPostgres, temporaryDataDir } from '../src/embedded/embedded-postgres.ts';
import { freePort } from '../src/embedded/free-port.ts';
import { applyMigrations } from '../src/migrations/migrations.runner.ts';

/** A migrated database on a primary, and the same database on a hot standby streaming from it. */
export interface StreamingReplica {
  /** The database on the primary (read-write). */
  primaryUrl: string;
  /** The same database on the standby (read-only, `pg_is_in_recovery()` true). */
  replicaUrl: string;
  /** The standby's maintenance database (for `pg_stat_*` views). */
  replicaAdminUrl: string;
  /** The primary's and the standby's postmaster process ids (CPU accounting in the benchmark). */
  primaryPid: number;
  replicaPid: number;
  /** Waits until the standby has replayed everything the primary has written so far. */
  caughtUp(timeoutMs?: number): Promise<void>;
  /** Stops the standby's server (the primary keeps running): a replica that went away. */
  stopReplica(): Promise<void>;
  /** Stops both servers and deletes their folders. Idempotent. */
  stop(): Promise<void>;
}

const SLOT = 'coupons_test_standby';

/**
 * Starts a throw-away primary (embedded PostgreSQL, its default `wal_level = replica`), creates
 * and migrates `name` on it, and a second cluster as its hot standby, streaming through a physical
 * replication slot. The embedded package has no `pg_basebackup`, so the standby is a copy of the
 * primary's folder taken while the primary is stopped cleanly (a consistent base backup), with
 * `standby.signal` and `primary_conninfo`; the primary then starts again on the same port.
 * A few seconds in all: share one per test file.
 */
export async function startStreamingReplica(name = 'coupons'): Promise<StreamingReplica> {
  const primaryDir = temporaryDataDir('coupons-primary-');
  const standbyDir = temporaryDataDir('coupons-standby-');
  let primary: EmbeddedPostgres | undefined;
  let standby: { pid: number; stop(): Promise<void> } | undefined;
  const stop = async () => {
    await standby?.stop().catch(() => {});
    await primary?.stop().catch(() => {});
    fs.rmSync(primaryDir, { recursive: true, force: true });
    fs.rmSync(standbyDir, { recursive: true, force: true });
  };
  try {
    // persistent: its folder survives the stop below (this module deletes it at the end).
    primary = await startEmbeddedPostgres({ dataDir: primaryDir, persistent: true });
    const port = primary.port;
    await createDatabaseIfMissing(primary.adminUrl, name);
    const primaryUrl = databaseUrl(primary.adminUrl, name);
    await applyMigrations(primaryUrl);
    // The slot keeps the primary's WAL from the copy on until the standby has streamed it.
    await query(primary.adminUrl, `SELECT pg_create_physical_replication_slot('${SLOT}', true)`);
    await primary.stop();
    fs.rmSync(standbyDir, { recursive: true, force: true });
    fs.cpSync(primaryDir, standbyDir, { recursive: true, filter: (source) => path.basename(source) !== 'postmaster.pid' });
    fs.writeFileSync(path.join(standbyDir, 'standby.signal'), '');
    fs.appendFileSync(
      path.join(standbyDir, 'postgresql.auto.conf'),
      `primary_conninfo = 'host=127.0.0.1 port=${port} user=postgres password=postgres application_name=coupons_test_standby'\n` +
        `primary_slot_name = '${SLOT}'\nhot_standby = on\n`,
    );
    if (process.getuid?.() === 0) execFileSync('chown', ['-R', 'postgres:postgres', standbyDir]);
    primary = await startEmbeddedPostgres({ dataDir: primaryDir, port, persistent: true });
    const standbyPort = await freePort();
    standby = await startStandby(standbyDir, standbyPort);
    const replicaAdminUrl = primary.adminUrl.replace(`:${port}/`, `:${standbyPort}/`);
    const replicaUrl = databaseUrl(replicaAdminUrl, name);
    const adminUrl = primary.adminUrl;
    const caughtUp = async (timeoutMs = 10_000) => {
      const [{ lsn }] = await query<{ lsn: string }>(adminUrl, 'SELECT pg_current_wal_lsn()::text AS lsn');
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const [row] = await query<{ done: boolean }>(replicaAdminUrl, `SELECT pg_last_wal_replay_lsn() >= '${lsn}'::pg_lsn AS done`);
        if (row?.done) return;
        if (Date.now() > deadline) throw new Error(`The standby did not replay up to ${lsn} within ${timeoutMs} ms`);
        await delay(20);
      }
    };
    await caughtUp(30_000);
    const running = standby;
    // postmaster.pid: the first line is the postmaster's pid.
    const primaryPid = Number(fs.readFileSync(path.join(primaryDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return { primaryUrl, replicaUrl, replicaAdminUrl, primaryPid, replicaPid: running.pid, caughtUp, stopReplica: () => running.stop(), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Runs `postgres` on the standby folder (as the `postgres` user when root, as the embedded
 * package does) and resolves once it accepts read-only connections. The package's own `start()`
 * waits for "ready to accept connections", which a standby never prints.
 */
async function startStandby(dataDir: string, port: number): Promise<{ pid: number; stop(): Promise<void> }> {
  const ids = process.getuid?.() === 0 ? { uid: idOf('-u'), gid: idOf('-g') } : {};
  const child: ChildProcess = spawn(
    postgresBinary(),
    ['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'fsync=off', '-c', 'max_connections=300'],
    { ...ids, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const log: string[] = [];
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`The standby did not start:\n${log.join('')}`)), 30_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      log.push(text);
      if (text.includes('ready to accept read-only connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', () => {
      clearTimeout(timer);
      reject(new Error(`The standby exited during start-up:\n${log.join('')}`));
    });
  });
  child.stderr?.resume();
  const pid = child.pid as number;
  let stopping: Promise<void> | undefined;
  const cluster: RunningCluster = {
    pid,
    dataDir,
    persistent: false,
    stop: () => {
      stopping ??= (async () => {
        if (isAlive(pid)) {
          const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
          child.kill('SIGINT'); // fast shutdown
          await Promise.race([exited, delay(15_000)]);
          if (isAlive(pid)) child.kill('SIGKILL');
        }
        await unregisterCluster(cluster);
      })();
      return stopping;
    },
  };
  registerCluster(cluster);
  return cluster;
}

function postgresBinary(): string {
  const embedded = createRequire(import.meta.url).resolve('embedded-postgres');
  const platform = createRequire(embedded).resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
  return path.join(path.dirname(platform), '..', 'native', 'bin', 'postgres');
}

function idOf(flag: '-u' | '-g'): number {
  return Number.parseInt(execFileSync('id', [flag, 'postgres']).toString(), 10);
}

async function query<T>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => {});
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end().catch(() => {});
  }
}
