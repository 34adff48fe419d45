import { PassThrough } from 'node:stream';
import { Prisma } from '@coupons/db';
import { holdLock, lockWaiters } from '@coupons/db/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { contextFor, createBook, useServiceTest, serviceAnswer } from '../../testing/index.ts';
import { archiveBook, deleteBook } from '../../src/books/book-status.service.ts';
import { CodeJobFeed } from '../../src/events/code-job.feed.ts';
import { importCodes } from '../../src/codes/code.import.ts';
import { uploadCodes } from '../../src/codes/code.upload.service.ts';

// Uploading codes into a book (uploadCodes with a list, and the streamed import behind
// uploadCodes(file:) and POST /import) racing deleteBook and archiveBook. The rule: the answers
// are those of some serial order — the upload landed (and a delete then takes the codes with the
// book), or the book was gone first (the upload answers NOT_FOUND) — never a raw database error,
// never a code left behind without its book, never a job left RUNNING for its watchers.
// Interleavings are forced with locks held by a plain `pg` client and observed through
// pg_stat_activity (never by sleeping); plain rounds at the end start both sides together.

const t = useServiceTest({ poolSize: 20 });

const admin = () => contextFor(t.db, t.admin);

/** A call's answer as the service gives it: a raw database error (a foreign key deciding) is no contract answer. */
const outcome = serviceAnswer;

/** The coupon table in SHARE mode: every INSERT into it (an upload's, an import's merge, a delete's cascade) waits. */
const holdCouponTable = () => holdLock(t.db.pool, 'LOCK TABLE coupon IN SHARE MODE');

// What each side's statements look like in pg_stat_activity while they wait.
const UPLOAD_AT_JOB_START = '%INSERT INTO code_job%FOR KEY SHARE%';
const UPLOAD_AT_INSERT = '%WITH input AS%INSERT INTO coupon%';
const UPLOAD_AT_COMPLETE = "%UPDATE code_job%SET status = 'COMPLETED'%";
const IMPORT_AT_MERGE = '%FROM code_import_stage%INSERT INTO coupon%';
const DELETE_AT_CODES = '%FROM coupon WHERE book_id = %FOR UPDATE%';
const DELETE_AT_BOOK = '%FROM book WHERE id = %FOR UPDATE%';
const DELETE_AT_DELETE = '%DELETE FROM book WHERE id = %';

/** The job row an upload or import created for the book (they commit it before their transaction). */
async function jobOf(bookId: string): Promise<string> {
  for (let i = 0; i < 300; i++) {
    const job = await t.db.prisma.codeJob.findFirst({ where: { bookId }, select: { id: true } });
    if (job) return job.id;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('the upload never started its job');
}

/** Watches a job as the `codeJob(jobId)` subscription does (the feed, fed by this process's jobs). */
const feeds: CodeJobFeed[] = [];
afterEach(() => {
  for (const feed of feeds.splice(0)) feed.close();
});
async function watchJob(jobId: string) {
  const feed = new CodeJobFeed({ system: contextFor(t.db, null), pollMs: 60_000 });
  feeds.push(feed);
  feed.start();
  return feed.subscribe(admin(), jobId);
}

/** What is left of the book, its codes (by value, in any book) and its jobs. */
async function leftOf(bookId: string, codes: string[]) {
  const [[row]] = await Promise.all([
    t.db.prisma.$queryRaw<Array<{ book: string | null; codes: number; jobs: number; running: number }>>(Prisma.sql`
      SELECT (SELECT status::text FROM book WHERE id = ${bookId}::uuid) AS book,
             (SELECT count(*)::int FROM coupon WHERE code = ANY(${codes}::text[]) OR book_id = ${bookId}::uuid) AS codes,
             (SELECT count(*)::int FROM code_job WHERE book_id = ${bookId}::uuid) AS jobs,
             (SELECT count(*)::int FROM code_job WHERE book_id = ${bookId}::uuid AND status = 'RUNNING') AS running`),
  ]);
  return row;
}

const codesFor = (tag: string, n: number) => Array.from({ length: n }, (_, i) => `${tag}-${i}`);

describe('uploadCodes (a list) racing deleteBook', () => {
  it('deleteBook holds the book when the upload starts: the upload waits for it, then answers NOT_FOUND; no job, nothing left', async () => {
    const { bookId } = await createBook(t.db, 2);
    const codes = codesFor('UPDEL-A', 50);
    const book = await holdLock(t.db.pool, 'SELECT 1 FROM book WHERE id = $1 FOR UPDATE', [bookId]);
    const deleted = outcome(deleteBook(admin(), bookId));
    await lockWaiters(t.db.pool, 1, { like: DELETE_AT_BOOK, blockedBy: book.pid });
    // The upload's job statement takes the book FOR KEY SHARE: it queues behind the delete.
    const uploaded = outcome(uploadCodes(admin(), { bookId, codes }));
    await lockWaiters(t.db.pool, 1, { like: UPLOAD_AT_JOB_START });
    await book.end('COMMIT');
    const [u, d] = await Promise.all([uploaded, deleted]);

    // Serially: the delete, then the upload, which finds no book (the book's own NOT_FOUND, not a foreign key's).
    expect(d).toEqual({ ok: true, value: true });
    expect(u).toMatchObject({ ok: false, code: 'NOT_FOUND', message: expect.stringContaining(bookId) });
    expect(await leftOf(bookId, codes)).toEqual({ book: null, codes: 0, jobs: 0, running: 0 });
  });

  it('the upload waits to insert, holding the book: deleteBook waits for it, then deletes the book with the uploaded codes', async () => {
    const { bookId } = await createBook(t.db, 2);
    const codes = codesFor('UPDEL-D', 50);
    const table = await holdCouponTable();
    // The upload has committed its job, taken the book FOR KEY SHARE and waits at its INSERT.
    const uploaded = outcome(uploadCodes(admin(), { bookId, codes }));
    await lockWaiters(t.db.pool, 1, { like: UPLOAD_AT_INSERT });
    const watch = await watchJob(await jobOf(bookId));
    // deleteBook locks the codes there are, then waits for the book.
    const deleted = outcome(deleteBook(admin(), bookId));
    await lockWaiters(t.db.pool, 1, { like: DELETE_AT_BOOK });
    await table.end('COMMIT');
    const [u, d] = await Promise.all([uploaded, deleted]);

    // Serially: the upload, then the delete (no coupon went out: allowed; the codes go with the book).
    expect(u).toMatchObject({ ok: true, value: { inserted: 50, job: { status: 'COMPLETED' } } });
    expect(d).toEqual({ ok: true, value: true });
    expect(await leftOf(bookId, codes)).toEqual({ book: null, codes: 0, jobs: 0, running: 0 });
    expect(watch.isClosed).toBe(true);
  });

  it('the upload has inserted and waits to commit: deleteBook waits for the book, then deletes it with the uploaded codes', async () => {
    const { bookId } = await createBook(t.db, 2);
    const codes = codesFor('UPDEL-B', 50);
    const table = await holdCouponTable();
    const uploaded = outcome(uploadCodes(admin(), { bookId, codes }));
    await lockWaiters(t.db.pool, 1, { like: UPLOAD_AT_INSERT });
    const jobId = await jobOf(bookId);
    const watch = await watchJob(jobId);
    // Its job row held: the upload inserts (holding the book FOR KEY SHARE), then waits to mark it COMPLETED.
    const job = await holdLock(t.db.pool, 'SELECT 1 FROM code_job WHERE id = $1 FOR UPDATE', [jobId]);
    await table.end('COMMIT');
    await lockWaiters(t.db.pool, 1, { like: UPLOAD_AT_COMPLETE });
    const deleted = outcome(deleteBook(admin(), bookId));
    await lockWaiters(t.db.pool, 1, { like: DELETE_AT_BOOK });
    await job.end('COMMIT');
    const [u, d] = await Promise.all([uploaded, deleted]);

    // Serially: the upload, then the delete (no coupon went out: allowed; the codes go with the book).
    expect(u).toMatchObject({ ok: true, value: { inserted: 50, job: { status: 'COMPLETED' } } });
    expect(d).toEqual({ ok: true, value: true });
    expect(await leftOf(bookId, codes)).toEqual({ book: null, codes: 0, jobs: 0, running: 0 });
    expect(watch.isClosed).toBe(true);
  });

  it('deleteBook waits for a code a claim holds; the upload lands meanwhile: the delete then takes the uploaded codes too', async () => {
    const { bookId, codes: existing } = await createBook(t.db, 2);
    const codes = codesFor('UPDEL-C', 50);
    const claim = await holdLock(t.db.pool, 'SELECT 1 FROM coupon WHERE code = $1 FOR UPDATE', [existing[0]]);
    const deleted = outcome(deleteBook(admin(), bookId));
    await lockWaiters(t.db.pool, 1, { like: DELETE_AT_CODES });
    // The delete holds no lock the upload needs: it lands at once.
    const u = await outcome(uploadCodes(admin(), { bookId, codes }));
    await claim.end('ROLLBACK');
    const d = await deleted;

    expect(u).toMatchObject({ ok: true, value: { inserted: 50, job: { status: 'COMPLETED' } } });
    expect(d).toEqual({ ok: true, value: true });
    expect(await leftOf(bookId, codes)).toEqual({ book: null, codes: 0, jobs: 0, running: 0 });
  });

  it('10 plain rounds of uploadCodes and deleteBook at once: each outcome is a serial one, and nothing is left behind', async () => {
    const serial = ['upload ok (30 inserted), delete true', 'upload NOT_FOUND, delete true'];
    const seen: Record<string, number> = {};
    for (let round = 0; round < 10; round++) {
      const { bookId } = await createBook(t.db, 3);
      const codes = codesFor(`UPDEL-R${round}`, 30);
      const upload = () => outcome(uploadCodes(admin(), { bookId, codes }));
      const remove = () => outcome(deleteBook(admin(), bookId));
      const [u, d] = round % 2 === 0 ? await Promise.all([upload(), remove()]) : await Promise.all([remove(), upload()]).then(([x, y]) => [y, x] as const);
      const key = `upload ${u.ok ? `ok (${u.value.inserted} inserted)` : u.code}, delete ${d.ok ? d.value : d.code}`;
      seen[key] = (seen[key] ?? 0) + 1;
      expect(key, `round ${round}`).toBeOneOf(serial);
      expect(await leftOf(bookId, codes), `round ${round}: ${key}`).toEqual({ book: null, codes: 0, jobs: 0, running: 0 });
    }
    console.info(`uploadCodes vs deleteBook, outcomes: ${JSON.stringify(seen)}`);
  });
});

describe('uploadCodes (a list) racing archiveBook', () => {
  it('archiveBook commits while the upload waits to insert: neither waits for the other, the codes land in the archived book', async () => {
    // What the serial order "archive, then upload" answers, on a book of its own.
    const { bookId: archivedFirst } = await createBook(t.db, 0);
    await archiveBook(admin(), archivedFirst);
    const afterArchive = await outcome(uploadCodes(admin(), { bookId: archivedFirst, codes: codesFor('UPARC-S', 3) }));
    const serialAfter = afterArchive.ok ? 'ok' : afterArchive.code;

    const { bookId } = await createBook(t.db, 2);
    const codes = codesFor('UPARC-A', 40);
    const table = await holdCouponTable();
    const uploaded = outcome(uploadCodes(admin(), { bookId, codes }));
    await lockWaiters(t.db.pool, 1, { like: UPLOAD_AT_INSERT });
    const watch = await watchJob(await jobOf(bookId));
    // The archive takes the book FOR NO KEY UPDATE, which the upload's FOR KEY SHARE does not wait for, nor it for that.
    const a = await outcome(archiveBook(admin(), bookId));
    await table.end('COMMIT');
    const u = await uploaded;

    expect(a).toMatchObject({ ok: true, value: { status: 'ARCHIVED' } });
    expect(u.ok ? 'ok' : u.code).toBeOneOf(['ok', serialAfter]);
    const left = await leftOf(bookId, codes);
    expect(left).toEqual({ book: 'ARCHIVED', codes: u.ok ? 42 : 2, jobs: 1, running: 0 });
    expect(watch.isClosed).toBe(true);
  });

  it('8 plain rounds of uploadCodes and archiveBook at once: both succeed, the codes are in the archived book', async () => {
    for (let round = 0; round < 8; round++) {
      const { bookId } = await createBook(t.db, 2);
      const codes = codesFor(`UPARC-R${round}`, 20);
      const [u, a] = await Promise.all([outcome(uploadCodes(admin(), { bookId, codes })), outcome(archiveBook(admin(), bookId))]);
      expect(u, `round ${round}`).toMatchObject({ ok: true, value: { inserted: 20, job: { status: 'COMPLETED' } } });
      expect(a, `round ${round}`).toMatchObject({ ok: true, value: { status: 'ARCHIVED' } });
      expect(await leftOf(bookId, codes)).toEqual({ book: 'ARCHIVED', codes: 22, jobs: 1, running: 0 });
    }
  });
});

describe('the streamed import (importCodes, uploadCodes(file:)) racing deleteBook', () => {
  it('deleteBook commits while the import is still receiving its file: the import answers as a serial order would (COMPLETED or NOT_FOUND), never CANCELLED', async () => {
    const { bookId } = await createBook(t.db, 0);
    const codes = codesFor('IMPDEL-A', 4);
    const body = new PassThrough();
    body.write(`code\n${codes.slice(0, 2).join('\n')}\n`);
    const run = await importCodes(admin(), bookId, body);
    const watch = await watchJob(run.jobId);
    // The import's transaction holds no lock on the book or its job while the file arrives.
    const d = await outcome(deleteBook(admin(), bookId));
    body.end(`${codes.slice(2).join('\n')}\n`);
    const finished = await outcome(run.finished);

    expect(d).toEqual({ ok: true, value: true });
    // Serially: the import (COMPLETED, its codes then deleted with the book) or the delete first (NOT_FOUND).
    // Nobody cancelled this job.
    expect(finished.ok ? finished.value.status : finished.code).toBeOneOf(['COMPLETED', 'NOT_FOUND']);
    expect(await leftOf(bookId, codes)).toEqual({ book: null, codes: 0, jobs: 0, running: 0 });
    expect(watch.isClosed, 'the codeJob stream is still open, its last word RUNNING').toBe(true);
  });

  it('uploadCodes(file:) while deleteBook commits mid-file: NOT_FOUND, nothing left', async () => {
    const { bookId } = await createBook(t.db, 0);
    const codes = codesFor('IMPDEL-B', 4);
    const body = new PassThrough();
    body.write(`${codes.slice(0, 2).join('\n')}\n`);
    const uploaded = outcome(uploadCodes(admin(), { bookId, file: body }));
    await jobOf(bookId);
    const d = await outcome(deleteBook(admin(), bookId));
    body.end(`${codes.slice(2).join('\n')}\n`);
    const u = await uploaded;

    expect(d).toEqual({ ok: true, value: true });
    expect(u.ok ? `ok (${u.value.job.status})` : u.code).toBeOneOf(['ok (COMPLETED)', 'NOT_FOUND']);
    expect(await leftOf(bookId, codes)).toEqual({ book: null, codes: 0, jobs: 0, running: 0 });
  });

  it('deleteBook takes the book while an import that reported an invalid line waits to merge: answers of a serial order, no deadlock', async () => {
    const { bookId } = await createBook(t.db, 0);
    const codes = codesFor('IMPDEL-C', 3);
    const table = await holdCouponTable();
    // One invalid line: the import writes its issue (code_job_issue → the job row FOR KEY SHARE), then waits to merge.
    const body = new PassThrough();
    body.end(`x\n${codes.join('\n')}\n`);
    const run = await importCodes(admin(), bookId, body);
    const watch = await watchJob(run.jobId);
    await lockWaiters(t.db.pool, 1, { like: IMPORT_AT_MERGE });
    // deleteBook locks the book, deletes it, and waits in its cascade (the coupon table, or the import's job row).
    const deleted = outcome(deleteBook(admin(), bookId));
    await lockWaiters(t.db.pool, 1, { like: DELETE_AT_DELETE });
    await table.end('COMMIT');
    const [f, d] = await Promise.all([outcome(run.finished), deleted]);

    const key = `import ${f.ok ? `${f.value.status} (${f.value.inserted} inserted)` : f.code}, delete ${d.ok ? d.value : d.code}`;
    // import then delete, or delete then import
    expect(key).toBeOneOf(['import COMPLETED (3 inserted), delete true', 'import NOT_FOUND, delete true']);
    expect(await leftOf(bookId, codes)).toEqual({ book: null, codes: 0, jobs: 0, running: 0 });
    expect(watch.isClosed).toBe(true);
  });
});
