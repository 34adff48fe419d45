import { randomUUID } from 'node:crypto';
import { type CodeJob, Prisma } from '@coupons/db';
import { recordAudit } from '../audit/audit.service.ts';
import type { ServiceContext } from '../shared/context.ts';
import { notFound } from '../shared/errors.ts';
import { requireUuid } from '../shared/validation.ts';
import { type CodeJobKind, type CodeJobProgress, type CodeJobStatus, emitCodeJobProgress } from './code-job.events.ts';
import type { JobLease } from './code.insert.ts';

/** A job row together with the lease of the run that holds it (see `code_job.lease_id`). */
export interface LeasedCodeJob {
  progress: CodeJobProgress;
  lease: JobLease;
  /** GENERATE: the stored pattern (without the count, which is `total`); null for uploads. */
  params: unknown;
  /** Runs so far, this one included. */
  attempts: number;
  createdById: string | null;
}

/**
 * Creates the `code_job` row (status RUNNING, heartbeat now, a fresh lease) and announces it.
 * NOT_FOUND when the book is gone: the statement takes the book's row `FOR KEY SHARE` (the lock
 * the job's foreign key takes anyway, only first), so a deleteBook in flight makes it wait and,
 * once the delete commits, it finds no book and inserts nothing, as if the delete ran first.
 * A CODE_JOB_STARTED audit entry on the book commits with the row (who added codes, and how).
 */
export async function startCodeJob(
  ctx: ServiceContext,
  bookId: string,
  kind: CodeJobKind,
  total: number,
  params?: Prisma.InputJsonObject,
): Promise<LeasedCodeJob> {
  const job = await ctx.db.prisma.$transaction(async (tx) => {
    const rows = await tx.$queryRaw<RawCodeJob[]>(Prisma.sql`
      INSERT INTO code_job (id, book_id, kind, total, created_by_id, lease_id, params)
      SELECT ${randomUUID()}::uuid, b.id, ${kind}::"CodeJobKind", ${total}::int, ${ctx.caller?.userId ?? null}::uuid,
             ${randomUUID()}::uuid, ${params === undefined ? null : JSON.stringify(params)}::jsonb
      FROM (SELECT id FROM book WHERE id = ${bookId}::uuid FOR KEY SHARE) b
      RETURNING ${RETURNED}`);
    if (!rows[0]) throw notFound('Book', bookId);
    const started = toLeased(rows[0]);
    await auditCodeJob(tx, ctx, 'CODE_JOB_STARTED', started.progress, { kind, ...(kind === 'GENERATE' ? { requested: total } : total > 0 ? { lines: total } : {}) });
    return started;
  });
  emitCodeJobProgress(job.progress);
  return job;
}

/**
 * Renews the heartbeat of a run. False when the run no longer holds the job (another process
 * took it over, or it is no longer RUNNING): the run must stop. Uses the database's clock, which
 * every instance shares, so a skewed host clock cannot make a live job look dead.
 */
export async function renewCodeJobHeartbeat(ctx: ServiceContext, lease: JobLease): Promise<boolean> {
  const updated = await ctx.db.prisma.$executeRaw(Prisma.sql`
    UPDATE code_job SET heartbeat_at = greatest(heartbeat_at, clock_timestamp())
    WHERE id = ${lease.jobId}::uuid AND lease_id = ${lease.leaseId}::uuid AND status = 'RUNNING'`);
  return updated === 1;
}

/**
 * Ends a run: COMPLETED, or FAILED with a user-facing `error`. Guarded by the lease, so a run
 * that lost its job cannot end it. The counters are not written: the chunks keep them exact.
 * Announces and returns the final row, or null when the lease was lost.
 */
export async function finishCodeJobRun(
  ctx: ServiceContext,
  lease: JobLease,
  status: Exclude<CodeJobStatus, 'RUNNING'>,
  error: string | null,
): Promise<CodeJobProgress | null> {
  const rows = await ctx.db.prisma.$queryRaw<RawCodeJob[]>(Prisma.sql`
    UPDATE code_job
    SET status = ${status}::"CodeJobStatus", error = ${error}, finished_at = ${ctx.clock.now()}
    WHERE id = ${lease.jobId}::uuid AND lease_id = ${lease.leaseId}::uuid AND status = 'RUNNING'
    RETURNING ${RETURNED}`);
  const row = rows[0];
  if (!row) return null;
  const progress = toLeased(row).progress;
  emitCodeJobProgress(progress);
  return progress;
}

/**
 * Takes over RUNNING jobs whose heartbeat is older than `staleAfterMs` (by the database's clock),
 * at most `limit` of them, giving each a fresh lease, a fresh heartbeat and one more attempt.
 * Safe with a reaper in every process: candidates are locked with `FOR UPDATE SKIP LOCKED` (a
 * job another reaper is claiming is skipped), and the UPDATE's own WHERE re-checks status and
 * heartbeat on the row's latest committed version, so a job whose owner beat just in time, or
 * that another reaper claimed first, is left alone. The old owner, if it is alive after all,
 * loses its lease: its next chunk rolls back and its next heartbeat tells it to stop.
 */
export async function claimStaleCodeJobs(ctx: ServiceContext, staleAfterMs: number, limit = 10): Promise<LeasedCodeJob[]> {
  const stale = Prisma.sql`now() - ${staleAfterMs}::int * interval '1 millisecond'`;
  const rows = await ctx.db.prisma.$queryRaw<RawCodeJob[]>(Prisma.sql`
    UPDATE code_job j
    SET lease_id = gen_random_uuid(), heartbeat_at = now(), attempts = j.attempts + 1
    FROM (
      SELECT id FROM code_job
      WHERE status = 'RUNNING' AND heartbeat_at < ${stale}
      ORDER BY heartbeat_at
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED
    ) AS candidate
    WHERE j.id = candidate.id AND j.status = 'RUNNING' AND j.heartbeat_at < ${stale}
    RETURNING ${RETURNED_J}`);
  return rows.map(toLeased);
}

/**
 * Reopens a FAILED generation job for another run (the admin's `resumeCodeJob`): RUNNING again,
 * a fresh lease and heartbeat, and a fresh budget of automatic takeovers (`attempts` = 1).
 * Null when the job is not a FAILED generation job with a stored pattern (the WHERE decides,
 * on the latest committed row, so two admins resuming at once reopen it once). The reopening
 * writes a CODE_JOB_RESUMED audit entry.
 */
export async function reopenFailedCodeJob(ctx: ServiceContext, jobId: string): Promise<LeasedCodeJob | null> {
  const job = await ctx.db.prisma.$transaction(async (tx) => {
    const rows = await tx.$queryRaw<RawCodeJob[]>(Prisma.sql`
      UPDATE code_job
      SET status = 'RUNNING', error = NULL, finished_at = NULL, lease_id = gen_random_uuid(),
          heartbeat_at = now(), attempts = 1
      WHERE id = ${jobId}::uuid AND status = 'FAILED' AND kind = 'GENERATE' AND params IS NOT NULL
      RETURNING ${RETURNED}`);
    const reopened = rows[0] ? toLeased(rows[0]) : null;
    if (reopened) await auditCodeJob(tx, ctx, 'CODE_JOB_RESUMED', reopened.progress);
    return reopened;
  });
  if (job) emitCodeJobProgress(job.progress);
  return job;
}

/**
 * A job's latest stored progress, or null: the `codeJob` query, and the subscription's first
 * message and catch-up on an instance that is not running the job. No role check here: the
 * live-event feed calls it with a system context, and both root fields are `@Authorized('ADMIN')`.
 */
export async function getCodeJob(ctx: ServiceContext, jobId: string): Promise<CodeJobProgress | null> {
  const row = await ctx.db.prisma.codeJob.findUnique({ where: { id: requireUuid('jobId', jobId) } });
  return row ? toProgress(row) : null;
}

/** The columns a raw statement returns, named and typed like Prisma's `CodeJob` (uuids as text). */
type RawCodeJob = Pick<
  CodeJob,
  'id' | 'bookId' | 'kind' | 'status' | 'total' | 'processed' | 'inserted' | 'duplicates' | 'invalid' | 'error' | 'leaseId' | 'attempts' | 'params' | 'createdById'
>;

const COLUMNS: Array<[column: string, field: keyof RawCodeJob]> = [
  ['id', 'id'], ['book_id', 'bookId'], ['kind', 'kind'], ['status', 'status'], ['total', 'total'],
  ['processed', 'processed'], ['inserted', 'inserted'], ['duplicates', 'duplicates'], ['invalid', 'invalid'],
  ['error', 'error'], ['lease_id', 'leaseId'], ['attempts', 'attempts'], ['params', 'params'], ['created_by_id', 'createdById'],
];
const UUID_COLUMNS = new Set(['id', 'book_id', 'lease_id', 'created_by_id']);
/**
 * The RETURNING list, optionally qualified by an alias: each column under its Prisma field name
 * (uuids as text), so a raw row maps like a Prisma row ({@link toLeased}).
 */
const returning = (alias = '') =>
  Prisma.raw(COLUMNS.map(([c, f]) => `${alias}${c}${UUID_COLUMNS.has(c) ? '::text' : ''} AS "${f}"`).join(', '));
const RETURNED = returning();
const RETURNED_J = returning('j.');

function toLeased(row: RawCodeJob): LeasedCodeJob {
  return {
    progress: toProgress(row),
    lease: { jobId: row.id, leaseId: row.leaseId as string },
    params: row.params,
    attempts: row.attempts,
    createdById: row.createdById,
  };
}

function toProgress(row: RawCodeJob): CodeJobProgress {
  return {
    jobId: row.id,
    bookId: row.bookId,
    kind: row.kind,
    status: row.status,
    total: row.total,
    processed: row.processed,
    inserted: row.inserted,
    duplicates: row.duplicates,
    invalid: row.invalid,
    error: row.error,
  };
}

/**
 * An audit entry about a code job, in the transaction that changes it: on the job's book (the
 * console links it), with the job's id and `extra` (the kind, the count asked for …).
 */
export async function auditCodeJob(
  tx: Prisma.TransactionClient,
  ctx: Pick<ServiceContext, 'caller'>,
  action: 'CODE_JOB_STARTED' | 'CODE_JOB_CANCELLED' | 'CODE_JOB_RESUMED',
  job: Pick<CodeJobProgress, 'jobId' | 'bookId'>,
  extra: Record<string, unknown> = {},
): Promise<void> {
  await recordAudit(tx, ctx.caller, { action, targetType: 'BOOK', targetId: job.bookId, changes: { jobId: job.jobId, ...extra } });
}
