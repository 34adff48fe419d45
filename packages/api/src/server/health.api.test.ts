import { describe, expect, it } from 'vitest';
import { pollUntil, useDatabaseOutage, useTestServer } from '../../testing/index.ts';

// /readyz transitions over real HTTP against the real database: ready → a check fails (503,
// naming it) → ready again once the cause is gone.

const t = useTestServer();
const outage = useDatabaseOutage(() => t.server);

async function readiness(): Promise<{ status: number; body: any }> {
  const response = await fetch(`${t.server.baseUrl}/readyz`);
  return { status: response.status, body: await response.json() };
}

/** Polls /readyz until `accept` holds (a listener reconnects with backoff: seconds, not at once). */
const readinessUntil = (accept: (r: { status: number; body: any }) => boolean) =>
  pollUntil(readiness, accept, { timeoutMs: 20_000, everyMs: 100, what: '/readyz in the expected state' });

describe('/readyz', () => {
  it('names every check when ready', async () => {
    // The first probe of a fresh server on a loaded machine may miss a check's 2 s deadline
    // (503, as a probe should answer then): what is asserted is the ready answer it reaches.
    expect(await readinessUntil((r) => r.status === 200)).toEqual({
      status: 200,
      body: { status: 'ok', checks: { shutdown: 'ok', database: 'ok', migrations: 'ok', liveEvents: 'ok' } },
    });
  });

  it('fails while a migration of this build is not applied, and recovers when it is', async () => {
    const [{ name }] = await t.server.db.prisma.$queryRaw<Array<{ name: string }>>`
      SELECT migration_name AS name FROM _prisma_migrations ORDER BY migration_name DESC LIMIT 1`;
    await t.server.db.prisma.$executeRaw`UPDATE _prisma_migrations SET rolled_back_at = now() WHERE migration_name = ${name}`;
    try {
      const notReady = await readiness();
      expect(notReady.status).toBe(503);
      expect(notReady.body.checks).toMatchObject({ database: 'ok', migrations: expect.stringContaining(name) });
      expect(notReady.body.problems).toEqual([expect.stringMatching(/^migrations: 1 not applied/)]);
    } finally {
      await t.server.db.prisma.$executeRaw`UPDATE _prisma_migrations SET rolled_back_at = NULL WHERE migration_name = ${name}`;
    }
    expect((await readiness()).status).toBe(200);
  });

  it('goes 503 naming the database when it is cut off, and back to 200 when it returns', async () => {
    expect((await readiness()).status).toBe(200);
    // Refuse new sessions and end the open ones (the pool's and the LISTEN connection).
    await outage.cut();
    const down = await readinessUntil((r) => r.status === 503 && r.body.checks.liveEvents !== 'ok');
    expect(down.body.status).toBe('unavailable');
    expect(down.body.checks).toMatchObject({
      shutdown: 'ok',
      database: 'database: unreachable',
      migrations: expect.stringMatching(/^migrations: /),
      liveEvents: 'live-event listener not connected',
    });
    expect(down.body.problems).toContain('database: unreachable');
    // /healthz is liveness: the process is fine, do not restart it for a database outage.
    expect((await fetch(`${t.server.baseUrl}/healthz`)).status).toBe(200);

    await outage.restore();
    const up = await readinessUntil((r) => r.status === 200);
    expect(up.body).toEqual({ status: 'ok', checks: { shutdown: 'ok', database: 'ok', migrations: 'ok', liveEvents: 'ok' } });
  }, 45_000);
});
