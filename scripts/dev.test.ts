// How `pnpm dev` fails when it cannot start: in one line a person can act on.
// - Its ports taken (most often by another `pnpm dev`): it says which ones and starts nothing;
//   before, it opened the database, printed the URLs and logins as if ready (the health check
//   reached the other instance's API), and only then failed on the console.
// - A DATABASE_URL that nothing answers: the reason and the setting, not the schema engine's
//   WebAssembly stack trace.
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');
const UNREACHABLE = 'postgresql://nobody@127.0.0.1:9/none';

/** Runs `pnpm dev`'s script with `env` added; its exit code and everything it printed. */
async function runDev(env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/dev.ts'], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  for (const stream of [child.stdout, child.stderr]) stream.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', (exitCode) => resolve(exitCode)));
  return { code, output };
}

function listen(): Promise<net.Server> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.listen(0, () => resolve(server));
  });
}

describe('pnpm dev', () => {
  it('refuses to start when the API or console port is taken, naming both, and starts no database', async () => {
    const [api, consoleApp] = [await listen(), await listen()];
    const port = (server: net.Server) => (server.address() as net.AddressInfo).port;
    try {
      // A DATABASE_URL that nothing answers: had it got as far as the database, it would say so.
      const { code, output } = await runDev({ API_PORT: String(port(api)), CONSOLE_PORT: String(port(consoleApp)), DATABASE_URL: UNREACHABLE });
      expect(code, output).toBe(1);
      expect(output).toContain(`port already in use: API_PORT=${port(api)}, CONSOLE_PORT=${port(consoleApp)}`);
      expect(output).not.toContain('PostgreSQL:');
      expect(output).not.toContain('Demo logins');
    } finally {
      api.close();
      consoleApp.close();
    }
  }, 60_000);

  it('names an unreachable DATABASE_URL in a few lines, with no stack trace', async () => {
    // Free ports, so that it gets as far as the database.
    const servers = [await listen(), await listen()];
    const [apiPort, consolePort] = servers.map((server) => (server.address() as net.AddressInfo).port);
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
    const { code, output } = await runDev({ API_PORT: String(apiPort), CONSOLE_PORT: String(consolePort), DATABASE_URL: UNREACHABLE });
    expect(code, output).toBe(1);
    expect(output).toContain("Can't reach database server at `127.0.0.1:9`");
    expect(output).toContain('(from DATABASE_URL; unset it to use the embedded PostgreSQL)');
    expect(output).not.toMatch(/^\s+at /m);
    expect(output.trim().split('\n').length, output).toBeLessThan(8);
  }, 60_000);
});
