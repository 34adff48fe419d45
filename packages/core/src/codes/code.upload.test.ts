import { setTimeout as sleep } from 'node:timers/promises';
import { Prisma } from '@coupons/db';
import { describe, expect, it } from 'vitest';
import { contextFor, createBook, useServiceTest } from '../../testing/index.ts';
import { type CodeJobProgress, onCodeJobProgress } from './code-job.events.ts';
import { cancelCodeJob } from './code-job.cancel.ts';
import { uploadCodes } from './code.upload.service.ts';

const t = useServiceTest({ poolSize: 12 });

const countCodes = async (bookId: string) =>
  (await t.db.prisma.$queryRaw<Array<{ n: number }>>(Prisma.sql`SELECT count(*)::int AS n FROM coupon WHERE book_id = ${bookId}::uuid`))[0].n;

describe('uploadCodes', () => {
  it('inserts valid codes and reports duplicates (in file, in the database) and invalid lines by line', async () => {
    const { bookId: other, codes: existing } = await createBook(t.db, 2);
    const { bookId } = await createBook(t.db, 0);
    const ctx = contextFor(t.db, t.admin);
    const events: CodeJobProgress[] = [];
    const stop = onCodeJobProgress(null, (p) => events.push(p));
    const result = await uploadCodes(ctx, {
      bookId,
      codes: ['new-1', ' NEW-2 ', 'new-1', existing[0].toLowerCase(), 'x', 'bad code!', '', 'NEW_3'],
    });
    stop();
    expect(result).toMatchObject({
      inserted: 3,
      duplicates: [
        { line: 3, code: 'NEW-1', reason: 'DUPLICATE_IN_FILE' },
        { line: 4, code: existing[0], reason: 'ALREADY_EXISTS' },
      ],
      invalid: [
        { line: 5, code: 'X', reason: 'TOO_SHORT' },
        { line: 6, code: 'BAD CODE!', reason: 'INVALID_CHARACTERS' },
        { line: 7, code: '', reason: 'EMPTY' },
      ],
      duplicateCount: 2,
      invalidCount: 3,
    });
    expect(await countCodes(bookId)).toBe(3);
    expect(await countCodes(other)).toBe(2);
    const job = await t.db.prisma.codeJob.findUniqueOrThrow({ where: { id: result.jobId } });
    expect(job).toMatchObject({ kind: 'UPLOAD', status: 'COMPLETED', total: 8, processed: 8, inserted: 3, duplicates: 2, invalid: 3 });
    expect(events.at(-1)).toMatchObject({ jobId: result.jobId, status: 'COMPLETED', inserted: 3 });
    const summary = await t.db.prisma.couponEvent.findMany({ where: { bookId, type: 'CREATED_BULK' } });
    expect(summary.map((e) => e.count)).toEqual([3]);
  });

  it('reads CSV with a header and reports the CSV line numbers', async () => {
    const { bookId } = await createBook(t.db, 0);
    const csv = 'note,code\nfirst,csv-a1\n\nsecond,csv-a1\nthird,"=cmd"\n';
    const result = await uploadCodes(contextFor(t.db, t.admin), { bookId, csv });
    expect(result.inserted).toBe(1);
    expect(result.duplicates).toEqual([{ line: 4, code: 'CSV-A1', reason: 'DUPLICATE_IN_FILE' }]);
    expect(result.invalid).toEqual([{ line: 5, code: '=CMD', reason: 'INVALID_CHARACTERS' }]);
  });

  it('writes nothing when the transaction fails half-way', async () => {
    const { bookId } = await createBook(t.db, 0);
    // 120,000 codes → 3 chunks; a trigger fails the last chunk.
    const codes = Array.from({ length: 120_000 }, (_, i) => `HALF-${String(i).padStart(6, '0')}`);
    await t.db.prisma.$executeRaw`
      CREATE FUNCTION fail_on_last() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.code = 'HALF-119999' THEN RAISE EXCEPTION 'boom'; END IF; RETURN NEW; END $$`;
    await t.db.prisma.$executeRaw`CREATE TRIGGER fail_on_last BEFORE INSERT ON coupon FOR EACH ROW EXECUTE FUNCTION fail_on_last()`;
    try {
      await expect(uploadCodes(contextFor(t.db, t.admin), { bookId, codes })).rejects.toThrow();
    } finally {
      await t.db.prisma.$executeRaw`DROP TRIGGER fail_on_last ON coupon`;
      await t.db.prisma.$executeRaw`DROP FUNCTION fail_on_last()`;
    }
    expect(await countCodes(bookId)).toBe(0);
    expect(await t.db.prisma.couponEvent.count({ where: { bookId } })).toBe(0);
    const job = await t.db.prisma.codeJob.findFirstOrThrow({ where: { bookId } });
    expect(job.status).toBe('FAILED');
  });

  it('two concurrent uploads of overlapping codes: each code once, the overlap reported, no error', async () => {
    const { bookId: a } = await createBook(t.db, 0);
    const { bookId: b } = await createBook(t.db, 0);
    const shared = Array.from({ length: 3000 }, (_, i) => `RACE-${i}`);
    const ctx = contextFor(t.db, t.admin);
    const [ra, rb] = await Promise.all([
      uploadCodes(ctx, { bookId: a, codes: [...shared, 'ONLY-A'] }),
      uploadCodes(ctx, { bookId: b, codes: [...shared].reverse().concat('ONLY-B') }),
    ]);
    expect(ra.inserted + rb.inserted).toBe(3002);
    expect(ra.duplicates.length + rb.duplicates.length).toBe(3000);
    expect([...ra.duplicates, ...rb.duplicates].every((d) => d.reason === 'ALREADY_EXISTS')).toBe(true);
  });

  it('a cancel that commits while the upload runs wins: the upload rolls back and answers its CANCELLED job', async () => {
    const { bookId } = await createBook(t.db, 0);
    const ctx = contextFor(t.db, t.admin);
    const codes = Array.from({ length: 1_000 }, (_, i) => `CANCEL-${i}`);
    // The coupon table is held in SHARE mode: the upload's first INSERT waits, its transaction open.
    const holder = await t.db.pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE coupon IN SHARE MODE');
      const upload = uploadCodes(ctx, { bookId, codes: [...codes, 'x'] });
      let job = await t.db.prisma.codeJob.findFirst({ where: { bookId } });
      for (let i = 0; !job && i < 500; i++) {
        await sleep(10);
        job = await t.db.prisma.codeJob.findFirst({ where: { bookId } });
      }
      if (!job) throw new Error('the upload never started its job');
      expect((await cancelCodeJob(ctx, job.id)).status).toBe('CANCELLED');
      await holder.query('COMMIT');
      const result = await upload;
      expect(result).toMatchObject({ jobId: job.id, inserted: 0, invalidCount: 1, job: { status: 'CANCELLED', inserted: 0 } });
      expect(await countCodes(bookId)).toBe(0);
      expect(await t.db.prisma.couponEvent.count({ where: { bookId } })).toBe(0);
      expect(await t.db.prisma.codeJob.findUniqueOrThrow({ where: { id: job.id } })).toMatchObject({ status: 'CANCELLED', inserted: 0 });
    } finally {
      holder.release();
    }
  });

  it('a cancel after the upload committed is refused, and the codes stay', async () => {
    const { bookId } = await createBook(t.db, 0);
    const ctx = contextFor(t.db, t.admin);
    const result = await uploadCodes(ctx, { bookId, codes: ['LATE-1', 'LATE-2'] });
    await expect(cancelCodeJob(ctx, result.jobId)).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(await countCodes(bookId)).toBe(2);
    expect(await t.db.prisma.codeJob.findUniqueOrThrow({ where: { id: result.jobId } })).toMatchObject({ status: 'COMPLETED', inserted: 2 });
  });

  it('errors: FORBIDDEN for a USER, NOT_FOUND for an unknown book, BAD_USER_INPUT for bad arguments', async () => {
    const { bookId } = await createBook(t.db, 0);
    const codeOf = (p: Promise<unknown>) => p.then(() => 'OK', (e) => e.code);
    expect(await codeOf(uploadCodes(contextFor(t.db, t.user), { bookId, codes: ['ABC'] }))).toBe('FORBIDDEN');
    expect(await codeOf(uploadCodes(contextFor(t.db, t.admin), { bookId: '00000000-0000-4000-8000-000000000000', codes: ['ABC'] }))).toBe('NOT_FOUND');
    expect(await codeOf(uploadCodes(contextFor(t.db, t.admin), { bookId, codes: ['ABC'], csv: 'ABC' }))).toBe('BAD_USER_INPUT');
    expect(await codeOf(uploadCodes(contextFor(t.db, t.admin), { bookId: 'nope', codes: ['ABC'] }))).toBe('BAD_USER_INPUT');
  });
});
