// `pnpm dev` started while its ports are taken (most often by another `pnpm dev`) says which ones
// and starts nothing: before this check it opened the database, printed the URLs and logins as if
// ready (the health check reached the other instance's API), and only then failed on the console.
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');

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
      const env = { ...process.env, API_PORT: String(port(api)), CONSOLE_PORT: String(port(consoleApp)), DATABASE_URL: 'postgresql://nobody@127.0.0.1:9/none' };
      const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/dev.ts'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      for (const stream of [child.stdout, child.stderr]) stream.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('exit', (exitCode) => resolve(exitCode)));
      expect(code, output).toBe(1);
      expect(output).toContain(`port already in use: API_PORT=${port(api)}, CONSOLE_PORT=${port(consoleApp)}`);
      expect(output).not.toContain('PostgreSQL:');
      expect(output).not.toContain('Demo logins');
    } finally {
      api.close();
      consoleApp.close();
    }
  }, 60_000);
});
