import fs from 'node:fs/promises';
import { type Database, Prisma } from '@coupons/db';
import type { Express } from 'express';

/**
 * A readiness probe: resolves `null` when ready, else the reason (shown by `/readyz`). A plain
 * function is reported as `check<n>`; give it a name to have `/readyz` say which check failed.
 */
export type ReadinessCheck = (() => Promise<string | null>) | NamedReadinessCheck;

/** A readiness probe reported under `name` in `/readyz`'s `checks`. */
export interface NamedReadinessCheck {
  name: string;
  run(): Promise<string | null>;
}

/** What `/readyz` answers: every check by name (`ok` or its problem), and the problems alone. */
export interface ReadinessReport {
  status: 'ok' | 'unavailable';
  checks: Record<string, string>;
  problems?: string[];
}

/** A check that does not answer within this is a failure: a probe must not hang on a stuck pool. */
const CHECK_TIMEOUT_MS = 2000;

/**
 * The migrations this build knows: the folder names under `prisma/migrations`, read once at
 * start-up (a running process must compare the database with the code it runs, not with files
 * a later deploy may put beside it). A missing folder gives an empty list.
 */
export async function readMigrationNames(migrationsDir: string): Promise<string[]> {
  const entries = await fs.readdir(migrationsDir, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  return entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

/** `database`: PostgreSQL answers `SELECT 1` within 2 s. */
export function databaseCheck(db: Database): NamedReadinessCheck {
  return {
    name: 'database',
    run: () =>
      withTimeout(
        db.prisma.$queryRaw`SELECT 1`.then(
          () => null,
          () => 'database: unreachable',
        ),
        'database: no answer within 2 s',
      ),
  };
}

/**
 * `migrations`: every migration of this build is recorded as finished (and not rolled back) in
 * `_prisma_migrations`. Migrations the database has beyond these are fine: during a rolling
 * deploy the new release migrates first, and old instances keep serving (expand, then contract).
 */
export function migrationsCheck(db: Database, expected: readonly string[]): NamedReadinessCheck {
  const names = [...expected];
  return {
    name: 'migrations',
    run: () =>
      withTimeout(
        db.prisma
          .$queryRaw<Array<{ name: string }>>(Prisma.sql`
            SELECT t.name FROM unnest(${names}::text[]) AS t(name)
            WHERE NOT EXISTS (
              SELECT 1 FROM _prisma_migrations m
              WHERE m.migration_name = t.name AND m.finished_at IS NOT NULL AND m.rolled_back_at IS NULL)
            ORDER BY t.name`)
          .then(
            (missing) =>
              missing.length === 0
                ? null
                : `migrations: ${missing.length} not applied (${missing.map((m) => m.name).join(', ')}); run the migrate job`,
            (error: { code?: string; message?: string }) =>
              /_prisma_migrations/.test(String(error?.message))
                ? 'migrations: none applied (no _prisma_migrations table); run the migrate job'
                : 'migrations: could not be read',
          ),
        'migrations: no answer within 2 s',
      ),
  };
}

/** Runs every check at once; a check that throws counts as failed with its message. */
export async function runReadiness(checks: readonly ReadinessCheck[]): Promise<ReadinessReport> {
  const named = checks.map((check, i) =>
    typeof check === 'function' ? { name: check.name || `check${i}`, run: check } : check,
  );
  const results = await Promise.all(
    named.map((check) => check.run().catch((e: Error) => `${check.name}: check failed: ${e.message}`)),
  );
  const report: ReadinessReport = { status: 'ok', checks: {} };
  const problems: string[] = [];
  named.forEach((check, i) => {
    report.checks[check.name] = results[i] ?? 'ok';
    if (results[i] !== null) problems.push(results[i]);
  });
  if (problems.length > 0) {
    report.status = 'unavailable';
    report.problems = problems;
  }
  return report;
}

/**
 * `/healthz`: the process is up (liveness). `/readyz`: not shutting down, the database answers,
 * this build's migrations are applied, and every extra check passes (readiness: take the instance
 * out of rotation otherwise, and while it drains). 200 or 503, with a JSON {@link ReadinessReport}
 * naming each check, so an operator sees which one failed.
 */
export function healthRoutes(
  app: Express,
  deps: { db: Database; migrationNames: readonly string[]; readinessChecks: ReadinessCheck[]; isStopping: () => boolean },
): void {
  const builtIn: ReadinessCheck[] = [
    { name: 'shutdown', run: async () => (deps.isStopping() ? 'shutting down' : null) },
    databaseCheck(deps.db),
    migrationsCheck(deps.db, deps.migrationNames),
  ];
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const report = await runReadiness([...builtIn, ...deps.readinessChecks]);
    res.status(report.status === 'ok' ? 200 : 503).json(report);
  });
}

async function withTimeout(work: Promise<string | null>, message: string): Promise<string | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(message), CHECK_TIMEOUT_MS);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
