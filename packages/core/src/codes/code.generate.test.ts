import { Prisma } from '@coupons/db';
import { afterAll, describe, expect, it } from 'vitest';
import { contextFor, createBook, createUser, useServiceTest } from '../../testing/index.ts';
import { verifyCheckCharacter } from './check-character.ts';
import { type CodeJobProgress, onCodeJobProgress } from './code-job.events.ts';
import { generateCodes, waitForRunningCodeJobs } from './code.generate.ts';

const t = useServiceTest();
// After hooks run in reverse order: the jobs end before the database is dropped.
afterAll(() => waitForRunningCodeJobs());

const codesOf = async (bookId: string) =>
  (await t.db.prisma.coupon.findMany({ where: { bookId }, select: { code: true } })).map((c) => c.code);

describe('generateCodes', () => {
  it('makes unique codes from the charset, with prefix, suffix and a valid check character', async () => {
    const { bookId } = await createBook(t.db, 0);
    const announced: string[] = [];
    const ctx = { ...contextFor(t.db, t.admin), events: { announce: (ids: readonly string[]) => announced.push(...ids) } };
    const result = await generateCodes(ctx, bookId, {
      count: 2000,
      prefix: 'sum-',
      suffix: '-x',
      length: 8,
      checkCharacter: true,
    });
    expect(result).toMatchObject({ status: 'COMPLETED', requested: 2000, generated: 2000 });
    const codes = await codesOf(bookId);
    expect(new Set(codes).size).toBe(2000);
    for (const code of codes) {
      expect(code).toMatch(/^SUM-[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{8}-X[ABCDEFGHJKMNPQRSTUVWXYZ23456789]$/);
      expect(verifyCheckCharacter(code)).toBe(true);
    }
    const job = await t.db.prisma.codeJob.findUniqueOrThrow({ where: { id: result.jobId } });
    expect(job).toMatchObject({ kind: 'GENERATE', status: 'COMPLETED', total: 2000, inserted: 2000 });
    const events = await t.db.prisma.couponEvent.findMany({ where: { bookId, type: 'CREATED_BULK' } });
    expect(events.reduce((sum, e) => sum + (e.count ?? 0), 0)).toBe(2000);
    expect(announced).toEqual(events.map((e) => String(e.id)));
  });

  it('tops up collisions with existing codes until the count is reached', async () => {
    // 2^8 = 256 possible bodies; 200 of them are taken already (by another book).
    const { bookId: other } = await createBook(t.db, 0);
    const all = Array.from({ length: 256 }, (_, i) => `T${i.toString(2).padStart(8, '0').replace(/0/g, 'A').replace(/1/g, 'B')}`);
    await t.db.prisma.$executeRaw(Prisma.sql`INSERT INTO coupon (book_id, code) SELECT ${other}::uuid, unnest(${all.slice(0, 200)}::text[])`);
    const { bookId } = await createBook(t.db, 0);
    const result = await generateCodes(contextFor(t.db, t.admin), bookId, { count: 25, prefix: 'T', length: 8, charset: 'AB' });
    expect(result.generated).toBe(25);
    const job = await t.db.prisma.codeJob.findUniqueOrThrow({ where: { id: result.jobId } });
    expect(job.duplicates).toBeGreaterThan(0);
    expect(job.processed).toBe(25 + job.duplicates);
  });

  it('fails the job (and the call) when the pattern space is used up', async () => {
    const { bookId } = await createBook(t.db, 0);
    const ctx = contextFor(t.db, t.admin);
    await generateCodes(ctx, bookId, { count: 25, prefix: 'U', length: 8, charset: 'AB' });
    await generateCodes(ctx, bookId, { count: 25, prefix: 'U', length: 8, charset: 'AB' }).catch(() => {});
    // Fill every remaining body, then ask for more.
    const all = Array.from({ length: 256 }, (_, i) => `U${i.toString(2).padStart(8, '0').replace(/0/g, 'A').replace(/1/g, 'B')}`);
    await t.db.prisma.$executeRaw(Prisma.sql`
      INSERT INTO coupon (book_id, code) SELECT ${bookId}::uuid, unnest(${all}::text[]) ON CONFLICT DO NOTHING`);
    const error = await generateCodes(ctx, bookId, { count: 25, prefix: 'U', length: 8, charset: 'AB' }).catch((e) => e);
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.message).toMatch(/length: the pattern space is used up/);
    const failed = await t.db.prisma.codeJob.findFirstOrThrow({ where: { bookId, status: 'FAILED' } });
    expect(failed.error).toMatch(/used up/);
  });

  it('refuses up front when charset^length < 10 × count (no job is started)', async () => {
    const { bookId } = await createBook(t.db, 0);
    const error = await generateCodes(contextFor(t.db, t.admin), bookId, { count: 1000, length: 2 }).catch((e) => e);
    expect(error).toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'length' } });
    expect(await t.db.prisma.codeJob.count({ where: { bookId } })).toBe(0);
  });

  it('with waitForCompletion false returns RUNNING at once and finishes in the background', async () => {
    const { bookId } = await createBook(t.db, 0);
    const seen: CodeJobProgress[] = [];
    const result = await generateCodes(contextFor(t.db, t.admin), bookId, { count: 120_000, waitForCompletion: false });
    const stop = onCodeJobProgress(result.jobId, (p) => seen.push(p));
    expect(result).toMatchObject({ status: 'RUNNING', generated: 0, requested: 120_000 });
    await waitForRunningCodeJobs();
    stop();
    const job = await t.db.prisma.codeJob.findUniqueOrThrow({ where: { id: result.jobId } });
    expect(job).toMatchObject({ status: 'COMPLETED', inserted: 120_000 });
    expect(job.finishedAt).not.toBeNull();
    expect(seen.at(-1)).toMatchObject({ status: 'COMPLETED', inserted: 120_000 });
    expect(seen.length).toBeGreaterThanOrEqual(2);
  });

  it('100,000 codes in one call, quickly', async () => {
    const { bookId } = await createBook(t.db, 0);
    const started = performance.now();
    const result = await generateCodes(contextFor(t.db, t.admin), bookId, { count: 100_000 });
    const seconds = (performance.now() - started) / 1000;
    expect(result.generated).toBe(100_000);
    // ≈ 1.6 s alone on a 2-core machine, up to 8 s beside the rest of the suite; bench/generate-codes.ts measures.
    expect(seconds).toBeLessThan(30);
    console.info(`generateCodes 100k: ${seconds.toFixed(2)} s (${Math.round(100_000 / seconds)} codes/s)`);
  });

  it('errors: FORBIDDEN for a USER, NOT_FOUND for an unknown book', async () => {
    const user = await createUser(t.db, 'USER');
    const { bookId } = await createBook(t.db, 0);
    const codeOf = (p: Promise<unknown>) => p.then(() => 'OK', (e) => e.code);
    expect(await codeOf(generateCodes(contextFor(t.db, user), bookId, { count: 1 }))).toBe('FORBIDDEN');
    expect(await codeOf(generateCodes(contextFor(t.db, t.admin), '00000000-0000-4000-8000-000000000000', { count: 1 }))).toBe('NOT_FOUND');
  });
});
