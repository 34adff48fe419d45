import { Prisma } from '@coupons/db';
import { requireAdmin } from '../shared/access.ts';
import type { ServiceContext } from '../shared/context.ts';
import { notFound } from '../shared/errors.ts';
import { requireUuid } from '../shared/validation.ts';
import type { CodeJobProgress } from './code-job.events.ts';
import { getCodeJob } from './code-job.repository.ts';
import type { CodeIssueReason, CodeLineIssue } from './code.format.ts';
import { MAX_REPORTED_ISSUES } from './code.upload.parse.ts';

/** An import's report: the job's numbers and the first issues of each kind, by line. */
export interface ImportReport {
  job: CodeJobProgress;
  /** Repeats within the file and codes that already existed, by line; at most `limit`. */
  duplicates: CodeLineIssue[];
  /** Lines that are not valid codes, by line; at most `limit`. */
  invalid: CodeLineIssue[];
}

const DUPLICATE_REASONS = ['DUPLICATE_IN_FILE', 'ALREADY_EXISTS'];

/**
 * The report of a streamed import (ADMIN): the counts are the job's (exact), the lists are cut at
 * `limit` (default {@link MAX_REPORTED_ISSUES}, as `uploadCodes`). An import that did not commit
 * has no issues stored (they rolled back with its codes). NOT_FOUND for an unknown job.
 */
export async function getImportReport(ctx: ServiceContext, jobId: string, limit = MAX_REPORTED_ISSUES): Promise<ImportReport> {
  requireAdmin(ctx);
  const job = await requireJob(ctx, jobId);
  const [duplicates, invalid] = await Promise.all([issues(ctx, job.jobId, true, limit), issues(ctx, job.jobId, false, limit)]);
  return { job, duplicates, invalid };
}

async function issues(ctx: ServiceContext, jobId: string, duplicates: boolean, limit: number): Promise<CodeLineIssue[]> {
  const kind = duplicates ? Prisma.sql`reason = ANY(${DUPLICATE_REASONS})` : Prisma.sql`reason <> ALL(${DUPLICATE_REASONS})`;
  return ctx.db.prisma.$queryRaw<CodeLineIssue[]>(Prisma.sql`
    SELECT line, code, reason FROM code_job_issue
    WHERE job_id = ${jobId}::uuid AND ${kind}
    ORDER BY line LIMIT ${limit}`);
}

/** Issues per page of the full report's CSV. */
export const IMPORT_REPORT_PAGE_SIZE = 10_000;

/**
 * Every issue of an import, by line, page by page (keyset on the primary key, one short query per
 * page, so a slow download holds no snapshot and memory stays flat): the full report's CSV.
 * NOT_FOUND for an unknown job, before any page.
 */
export async function importIssuePages(ctx: ServiceContext, jobId: string): Promise<{ job: CodeJobProgress; pages: AsyncGenerator<CodeLineIssue[]> }> {
  requireAdmin(ctx);
  const job = await requireJob(ctx, jobId);
  async function* pages(): AsyncGenerator<CodeLineIssue[]> {
    let after = 0;
    for (;;) {
      const page = await ctx.db.prisma.$queryRaw<Array<{ line: number; code: string; reason: CodeIssueReason }>>(Prisma.sql`
        SELECT line, code, reason FROM code_job_issue
        WHERE job_id = ${job.jobId}::uuid AND line > ${after}
        ORDER BY line LIMIT ${IMPORT_REPORT_PAGE_SIZE}`);
      if (page.length === 0) return;
      yield page;
      after = (page.at(-1) as { line: number }).line;
    }
  }
  return { job, pages: pages() };
}

async function requireJob(ctx: ServiceContext, jobId: string): Promise<CodeJobProgress> {
  const id = requireUuid('jobId', jobId);
  const job = await getCodeJob(ctx, id);
  if (!job) throw notFound('Code job', id);
  return job;
}
