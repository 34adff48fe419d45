import { Prisma } from '@coupons/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceContext } from '../shared/context.ts';
import { contextFor, createBook, createUser, useServiceTest } from '../../testing/index.ts';
import { type CodeJobProgress, onCodeJobProgress } from './code-job.events.ts';
import { MAX_AUTOMATIC_RUNS, reapStaleCodeJobs } from './code-job.reaper.ts';
import { type LeasedCodeJob, startCodeJob } from './code-job.repository.ts';
import { resumeCodeJob, waitForRunningCodeJobs } from './code.generate.ts';
import { makeChunk } from './code.generate.chunks.ts';
import { validateGenerateCodes } from './code.generate.input.ts';
import { insertJobChunk, withPgTransaction } from './code.insert.ts';
import { RandomCodeSource } from './code.random.ts';

// A process "dies" here by stopping to write: the job is started and given some chunks by hand,
// then its heartbeat is backdated past the threshold, as if its process had been gone for a while.
// The SIGKILL of a real API process is in packages/api/test/reliability/faults.code-job.api-process.test.ts.

const t = useServiceTest({ poolSize: 12 });
let ctx: ServiceContext;
const STALE_MS = 2_000;

beforeAll(() => {
  ctx = contextFor(t.db, t.admin);
});
// After hooks run in reverse order: the jobs end before the database is dropped.
afterAll(() => waitForRunningCodeJobs());

/** A GENERATE job whose process "died" after inserting `done` of `count` codes. */
async function crashedGeneration(count: number, done: number): Promise<{ bookId: string; job: LeasedCodeJob }> {
  const { bookId } = await createBook(t.db, 0);
  const pattern = validateGenerateCodes({ count, length: 10 });
  const { prefix, suffix, length, charset, checkCharacter } = pattern;
  const job = await startCodeJob(ctx, bookId, 'GENERATE', count, { prefix, suffix, length, charset, checkCharacter });
  if (done > 0) {
    const chunk = makeChunk(new RandomCodeSource(charset), pattern, done);
    await withPgTransaction(t.db.pool, (client) => insertJobChunk(client, job.lease, bookId, chunk, t.admin.userId));
  }
  await backdateHeartbeat(job.progress.jobId);
  return { bookId, job };
}

const backdateHeartbeat = (jobId: string) =>
  t.db.prisma.$executeRaw(Prisma.sql`UPDATE code_job SET heartbeat_at = now() - interval '1 hour' WHERE id = ${jobId}::uuid`);

const codesIn = async (bookId: string) =>
  (await t.db.prisma.$queryRaw<Array<{ n: number; distinct: number }>>(Prisma.sql`
    SELECT count(*)::int AS n, count(DISTINCT code)::int AS distinct FROM coupon WHERE book_id = ${bookId}::uuid`))[0];

const jobRow = (jobId: string) => t.db.prisma.codeJob.findUniqueOrThrow({ where: { id: jobId } });

describe('code job reaper', () => {
  it('resumes a stale GENERATE job from the codes in the book to exactly the count, with live progress', async () => {
    const { bookId, job } = await crashedGeneration(130_000, 60_000);
    const seen: CodeJobProgress[] = [];
    const stop = onCodeJobProgress(job.progress.jobId, (p) => seen.push(p));
    const reaped = await reapStaleCodeJobs(ctx, { staleAfterMs: STALE_MS });
    expect(reaped).toEqual([{ jobId: job.progress.jobId, kind: 'GENERATE', outcome: 'RESUMED', inserted: 60_000, attempts: 2 }]);
    await waitForRunningCodeJobs();
    stop();
    expect(await codesIn(bookId)).toEqual({ n: 130_000, distinct: 130_000 });
    expect(await jobRow(job.progress.jobId)).toMatchObject({ status: 'COMPLETED', inserted: 130_000, attempts: 2 });
    expect(seen.at(-1)).toMatchObject({ status: 'COMPLETED', inserted: 130_000 });
    expect(seen.some((p) => p.status === 'RUNNING' && p.inserted > 60_000)).toBe(true);
  });

  it('leaves a job with a fresh heartbeat alone', async () => {
    const { job } = await crashedGeneration(10, 0);
    await t.db.prisma.$executeRaw(Prisma.sql`UPDATE code_job SET heartbeat_at = now() WHERE id = ${job.progress.jobId}::uuid`);
    expect(await reapStaleCodeJobs(ctx, { staleAfterMs: STALE_MS })).toEqual([]);
    expect(await jobRow(job.progress.jobId)).toMatchObject({ status: 'RUNNING', attempts: 1 });
    await t.db.prisma.codeJob.update({ where: { id: job.progress.jobId }, data: { status: 'FAILED' } });
  });

  it('fences the presumed-dead run: its chunk after the takeover rolls back, its codes never count', async () => {
    const { bookId, job } = await crashedGeneration(500, 100);
    await reapStaleCodeJobs(ctx, { staleAfterMs: STALE_MS });
    const pattern = validateGenerateCodes({ count: 500, length: 10 });
    const late = makeChunk(new RandomCodeSource(pattern.charset), pattern, 300);
    const result = await withPgTransaction(t.db.pool, async (client) => {
      const chunk = await insertJobChunk(client, job.lease, bookId, late, t.admin.userId);
      if (!chunk.job) throw new Error('lease lost');
      return chunk;
    }).catch((error: Error) => error.message);
    expect(result).toBe('lease lost');
    await waitForRunningCodeJobs();
    expect(await codesIn(bookId)).toEqual({ n: 500, distinct: 500 });
    expect(await jobRow(job.progress.jobId)).toMatchObject({ status: 'COMPLETED', inserted: 500 });
  });

  it('with many reapers at once, each stale job is taken over exactly once', async () => {
    const jobs = await Promise.all([crashedGeneration(2_000, 500), crashedGeneration(2_000, 0), crashedGeneration(2_000, 1_999)]);
    const passes = await Promise.all(Array.from({ length: 6 }, () => reapStaleCodeJobs(ctx, { staleAfterMs: STALE_MS })));
    const taken = passes.flat().map((r) => r.jobId).filter((id) => jobs.some((j) => j.job.progress.jobId === id));
    expect(taken.sort()).toEqual(jobs.map((j) => j.job.progress.jobId).sort());
    await waitForRunningCodeJobs();
    for (const { bookId, job } of jobs) {
      expect(await codesIn(bookId)).toEqual({ n: 2_000, distinct: 2_000 });
      expect(await jobRow(job.progress.jobId)).toMatchObject({ status: 'COMPLETED', inserted: 2_000, attempts: 2 });
    }
  });

  it('fails a stale UPLOAD (its transaction died with it: nothing inserted)', async () => {
    const { bookId } = await createBook(t.db, 0);
    const job = await startCodeJob(ctx, bookId, 'UPLOAD', 1_000);
    // A streamed import writes its merge's progress as it goes: none of it committed.
    await t.db.prisma.codeJob.update({ where: { id: job.progress.jobId }, data: { processed: 600, inserted: 500 } });
    await backdateHeartbeat(job.progress.jobId);
    const reaped = await reapStaleCodeJobs(ctx, { staleAfterMs: STALE_MS });
    expect(reaped.find((r) => r.jobId === job.progress.jobId)).toMatchObject({ outcome: 'FAILED', inserted: 0 });
    const row = await jobRow(job.progress.jobId);
    expect(row).toMatchObject({ status: 'FAILED', inserted: 0 });
    expect(row.error).toMatch(/Upload the file again/);
    expect(row.finishedAt).not.toBeNull();
    const error = await resumeCodeJob(ctx, job.progress.jobId).catch((e) => e);
    expect(error).toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it(`fails a job after ${MAX_AUTOMATIC_RUNS} runs with the count inserted; the admin resumes it to the end`, async () => {
    const { bookId, job } = await crashedGeneration(1_000, 400);
    await t.db.prisma.codeJob.update({ where: { id: job.progress.jobId }, data: { attempts: MAX_AUTOMATIC_RUNS } });
    const reaped = await reapStaleCodeJobs(ctx, { staleAfterMs: STALE_MS });
    expect(reaped.find((r) => r.jobId === job.progress.jobId)).toMatchObject({ outcome: 'FAILED', inserted: 400 });
    const failed = await jobRow(job.progress.jobId);
    expect(failed).toMatchObject({ status: 'FAILED', inserted: 400 });
    expect(failed.error).toMatch(/400 codes were inserted/);

    const resumed = await resumeCodeJob(ctx, job.progress.jobId);
    expect(resumed).toEqual({ jobId: job.progress.jobId, status: 'RUNNING', requested: 1_000, generated: 400 });
    // A second resume while it runs is refused, not a second run.
    expect(await resumeCodeJob(ctx, job.progress.jobId).catch((e) => e.code)).toBe('BAD_USER_INPUT');
    await waitForRunningCodeJobs();
    expect(await codesIn(bookId)).toEqual({ n: 1_000, distinct: 1_000 });
    expect(await jobRow(job.progress.jobId)).toMatchObject({ status: 'COMPLETED', inserted: 1_000, error: null, attempts: 1 });
  });

  it('resumeCodeJob: FORBIDDEN for a USER, NOT_FOUND for an unknown job', async () => {
    const user = await createUser(t.db, 'USER');
    const codeOf = (p: Promise<unknown>) => p.then(() => 'OK', (e) => e.code);
    expect(await codeOf(resumeCodeJob(contextFor(t.db, user), '00000000-0000-4000-8000-000000000000'))).toBe('FORBIDDEN');
    expect(await codeOf(resumeCodeJob(ctx, '00000000-0000-4000-8000-000000000000'))).toBe('NOT_FOUND');
  });
});
