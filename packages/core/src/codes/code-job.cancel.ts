import { Prisma } from '@coupons/db';
import { requireAdmin } from '../shared/access.ts';
import type { ServiceContext } from '../shared/context.ts';
import { badInput, notFound } from '../shared/errors.ts';
import { requireUuid } from '../shared/validation.ts';
import { type CodeJobProgress, emitCodeJobProgress } from './code-job.events.ts';
import { auditCodeJob, getCodeJob } from './code-job.repository.ts';

/**
 * Cancels a RUNNING code job (ADMIN): the job becomes CANCELLED at once and its run stops at its
 * next chunk or progress write, in whichever process runs it (each write is guarded by RUNNING).
 * An import rolls back (all or nothing: `inserted` is 0); a generation keeps the chunks it
 * committed. The UPDATE's own WHERE decides on the row's latest version: against an import that
 * is committing, one of the two wins (COMPLETED, and the cancel is refused; or CANCELLED, and the
 * import rolls back). BAD_USER_INPUT for a job that already ended. A CODE_JOB_CANCELLED audit entry
 * commits with the cancel.
 */
export async function cancelCodeJob(ctx: ServiceContext, jobId: string): Promise<CodeJobProgress> {
  requireAdmin(ctx);
  const id = requireUuid('jobId', jobId);
  const updated = await ctx.db.prisma.$transaction(async (tx) => {
    const rows = await tx.$queryRaw<Array<{ bookId: string }>>(Prisma.sql`
      UPDATE code_job
      SET status = 'CANCELLED', finished_at = ${ctx.clock.now()},
          inserted = CASE WHEN kind = 'UPLOAD' THEN 0 ELSE inserted END,
          error = CASE WHEN kind = 'UPLOAD' THEN 'Cancelled; nothing was inserted'
                       ELSE 'Cancelled; the ' || inserted || ' codes generated before are kept' END
      WHERE id = ${id}::uuid AND status = 'RUNNING'
      RETURNING book_id::text AS "bookId"`);
    if (rows[0]) await auditCodeJob(tx, ctx, 'CODE_JOB_CANCELLED', { jobId: id, bookId: rows[0].bookId });
    return rows.length;
  });
  const job = await getCodeJob(ctx, id);
  if (!job) throw notFound('Code job', id);
  if (updated === 0) throw badInput('jobId', `only a RUNNING job can be cancelled; this job is ${job.status}`);
  emitCodeJobProgress(job);
  return job;
}
