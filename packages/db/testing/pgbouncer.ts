import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../src/embedded/free-port.ts';

/** A PgBouncer child process in transaction pooling in front of a PostgreSQL database. */
export interface PgBouncer {
  /** `postgresql://…@127.0.0.1:<port>/<db>`: the same database through PgBouncer. */
  url: string;
  pid: number;
  version: string;
  stop(): Promise<void>;
}

/** Every PgBouncer still running, stopped when the starting process exits however it exits. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Debian's `pgbouncer` binary: in /usr/sbin or /usr/bin; installed with apt-get when missing (as root). */
function findPgBouncer(log: (m: string) => void): string {
  const found = ['/usr/sbin/pgbouncer', '/usr/bin/pgbouncer'].find((p) => fs.existsSync(p));
  if (found) return found;
  log('pgbouncer not found: apt-get install -y pgbouncer');
  const install = spawnSync('apt-get', ['install', '-y', 'pgbouncer'], { stdio: 'ignore' });
  if (install.status === 0 && fs.existsSync('/usr/sbin/pgbouncer')) return '/usr/sbin/pgbouncer';
  throw new Error('pgbouncer is not installed and `apt-get install -y pgbouncer` failed: install it (Debian package pgbouncer, e.g. `sudo apt-get install -y pgbouncer`)');
}

/**
 * Starts PgBouncer with a generated ini on a free port: `pool_mode = transaction`,
 * `default_pool_size` server connections to `databaseUrl`'s database, md5 auth with the same
 * user and password. Stopped by `stop()`, or killed when the process that started it exits (the
 * bench, a test file). Used by the bench's `pgbouncer` scenario and the API's PgBouncer test.
 */
export async function startPgBouncer(databaseUrl: string, poolSize: number, log: (m: string) => void): Promise<PgBouncer> {
  const bin = findPgBouncer(log);
  const target = new URL(databaseUrl);
  const database = decodeURIComponent(target.pathname.slice(1));
  const user = decodeURIComponent(target.username);
  const password = decodeURIComponent(target.password);
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'coupons-bench-pgbouncer-'));
  fs.writeFileSync(path.join(dir, 'users.txt'), `"${user}" "${password}"\n`);
  fs.writeFileSync(
    path.join(dir, 'pgbouncer.ini'),
    [
      '[databases]',
      `${database} = host=${target.hostname} port=${target.port} dbname=${database}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      `unix_socket_dir = ${dir}`,
      'auth_type = md5',
      `auth_file = ${path.join(dir, 'users.txt')}`,
      'pool_mode = transaction',
      `default_pool_size = ${poolSize}`,
      'max_client_conn = 2000',
      // node-postgres sends these at start-up; PgBouncer must not refuse them.
      'ignore_startup_parameters = extra_float_digits,application_name,options',
      `logfile = ${path.join(dir, 'pgbouncer.log')}`,
      `pidfile = ${path.join(dir, 'pgbouncer.pid')}`,
      '',
    ].join('\n'),
  );
  const version = spawnSync(bin, ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0]?.trim() ?? '?';
  // PgBouncer refuses to run as root: as root (this machine's CI), it switches to `postgres`.
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const ids = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim();
    const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim();
    if (!ids || !gid) throw new Error('pgbouncer refuses to run as root, and there is no `postgres` user to run it as');
    for (const file of [dir, ...fs.readdirSync(dir).map((f) => path.join(dir, f))]) fs.chownSync(file, Number(ids), Number(gid));
  }
  const args = [...(asRoot ? ['-u', 'postgres'] : []), path.join(dir, 'pgbouncer.ini')];
  const child: ChildProcess = spawn(bin, args, { stdio: 'ignore' });
  running.add(child);
  child.once('exit', () => running.delete(child));
  await waitForPort(port, child);
  return {
    url: `postgresql://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`,
    pid: child.pid as number,
    version,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGINT');
      await exited;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitForPort(port: number, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`pgbouncer exited with code ${child.exitCode}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`pgbouncer did not listen on ${port}`);
}
