// Starts bench/tools/floor-server.ts (the bare node:http floor of a claim) the way the API is
// started (`node --import tsx`, NODE_ENV=production), for api-floor.ts and throughput-floors.ts.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

export interface FloorServer {
  url: string;
  pid: number;
  stop(): void;
}

/** Starts the floor server (with the claim SQL, or answering without the database) and waits for its port. */
export function startFloorServer(databaseUrl: string, poolSize: number, withSql: boolean): Promise<FloorServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'floor-server.ts')], {
    env: { PATH: process.env.PATH, DATABASE_URL: databaseUrl, DB_POOL_SIZE: String(poolSize), FLOOR_SQL: withSql ? '1' : '0', NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`floor server exited (${code})`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      const port = /listening on (\d+)/.exec(chunk.toString())?.[1];
      if (port) resolve({ url: `http://127.0.0.1:${port}/graphql`, pid: child.pid as number, stop: () => child.kill('SIGTERM') });
    });
  });
}
