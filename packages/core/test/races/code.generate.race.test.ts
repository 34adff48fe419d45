import { PassThrough } from 'node:stream';
import { Prisma } from '@coupons/db';
import { holdLock, lockWaiters } from '@coupons/db/testing';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { contextFor, createBook, useServiceTest, type Answer, serviceAnswer } from '../../testing/index.ts';
import { archiveBook, deleteBook, pauseBook } from '../../src/books/book-status.service.ts';
import { cancelCodeJob } from '../../src/codes/code-job.cancel.ts';
import { type CodeJobProgress, onCodeJobProgress } from '../../src/codes/code-job.events.ts';
import { generateCodes, waitForRunningCodeJobs } from '../../src/codes/code.generate.ts';
import { uploadCodes } from '../../src/codes/code.upload.service.ts';

// Code generation jobs (generateCodes: chunks that each commit with the job's counters) racing
// deleteBook, archiveBook and pauseBook of their book, cancelCodeJob of their job, another
// generation and an upload into the same book. The rule: the answers are those of some serial
// order — the generation landed (a delete then takes its codes with the book; a cancel then is
// refused, or stops it after the chunks it committed) or came after (NOT_FOUND; CANCELLED with
// nothing inserted) — never a raw database error (a deadlock), never a job left RUNNING, never
// counters that disagree with the rows. Interleavings are forced with locks held by a plain `pg`
// client and observed through pg_stat_activity (never by sleeping); plain rounds at the end of
// each part start both sides together.

const t = useServiceTest({ poolSize: 20 });
// After hooks run in reverse order: the jobs end before the database is dropped.
afterAll(() => waitForRunningCodeJobs());

const admin = () => contextFor(t.db, t.admin);

type Outcome<T> = Answer<T>;

/** A call's answer as the service gives it: a raw database error (a foreign key deciding) is no contract answer. */
const outcome = serviceAnswer;

/** Holders a test did not end (it failed first): rolled back after it, so the next tests do not wait on them. */
const holders: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const end of holders.splice(0)) await end();
});

/** A separate connection running `sql` in an open transaction (row or table locks) until `end`; ended after each test. */
async function hold(sql: string, params: unknown[] = []) {
  const holder = await holdLock(t.db.pool, sql, params);
  holders.push(() => holder.end());
  return holder;
}

/** The coupon table in SHARE mode: every INSERT into it (a chunk's, an upload's, a delete's cascade) waits at its start. */
const holdCouponTable = () => hold('LOCK TABLE coupon IN SHARE MODE');
/** coupon_event in SHARE mode: a chunk (which writes its CREATED_BULK event) waits at its start; deleteBook never touches it. */
const holdEventTable = () => hold('LOCK TABLE coupon_event IN SHARE MODE');
/**
 * book_state_count in SHARE mode: a chunk gets past its inserts, its job row and its foreign-key
 * check on the book (FOR KEY SHARE), then waits in the coupon trigger that counts the new codes:
 * it holds the book and its job row until it can commit.
 */
const holdStateCounts = () => hold('LOCK TABLE book_state_count IN SHARE MODE');
/** The job's row, as another writer of it holds it (the run's other chunk, its heartbeat). */
const holdJobRow = (jobId: string) => hold('SELECT 1 FROM code_job WHERE id = $1 FOR UPDATE', [jobId]);
/** The book's row, as deleteBook (FOR UPDATE) holds it. */
const holdBookRow = (bookId: string) => hold('SELECT 1 FROM book WHERE id = $1 FOR UPDATE', [bookId]);

/**
 * Waits until `n` backends wait for a lock while running a statement like one of `patterns` (and,
 * with `blockedBy`, are blocked by that backend). With `unless`, stops as soon as that says the
 * awaited call answered without having to wait.
 */
const waitingOnLock = (patterns: string | string[], options: { n?: number; blockedBy?: number; unless?: () => boolean } = {}) =>
  lockWaiters(t.db.pool, options.n ?? 1, { like: patterns, blockedBy: options.blockedBy, settled: options.unless });

/** Whether a promise has settled yet (for {@link waitingOnLock}'s `unless`). */
function settledFlag(promise: Promise<unknown>): () => boolean {
  let settled = false;
  void promise.finally(() => {
    settled = true;
  });
  return () => settled;
}

// What each side's statements look like in pg_stat_activity while they wait.
const GENERATE_CHUNK = '%INSERT INTO coupon (book_id, code)%SET inserted = inserted +%';
const GENERATE_AT_JOB_START = '%INSERT INTO code_job%FOR KEY SHARE%';
const UPLOAD_AT_INSERT = '%WITH input AS%INSERT INTO coupon%';
const IMPORT_AT_MERGE = '%FROM code_import_stage%INSERT INTO coupon%';
const CANCEL = "%UPDATE code_job%SET status = 'CANCELLED'%";
const DELETE_AT_CODES = '%FROM coupon WHERE book_id = %FOR UPDATE%';
const DELETE_AT_BOOK = '%FROM book WHERE id = %FOR UPDATE%';
const DELETE_AT_DELETE = '%DELETE FROM book WHERE id = %';
const STATUS_CHANGE_AT_BOOK = '%FROM book WHERE id = %FOR NO KEY UPDATE%';

/**
 * Checks out every connection of the shared pool (Prisma's too), and queues `catchers` requests
 * ahead of anyone else's for the connections that come back meanwhile (the holder's, a chunk's, a
 * transaction's): whoever asks for a connection after this waits until `release`.
 */
async function occupyPool(catchers = 6) {
  const { pool } = t.db;
  const max = pool.options.max ?? 10;
  const taken: Array<{ release(): void; query(sql: string, params: unknown[]): Promise<{ rowCount: number | null }> }> = [];
  while (pool.totalCount < max || pool.idleCount > 0) taken.push(await pool.connect());
  const caught = Array.from({ length: catchers }, () => pool.connect());
  const [own] = taken;
  return {
    /** Waits (on a connection of its own) until `sql` finds a row: a state PostgreSQL reports. */
    until: async (sql: string, params: unknown[]) => {
      for (let i = 0; i < 300; i++) {
        if (((await own?.query(sql, params))?.rowCount ?? 0) > 0) return;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      throw new Error(`never: ${sql}`);
    },
    release: async () => {
      for (const client of taken) client.release();
      for (const client of await Promise.all(caught)) client.release();
    },
  };
}

/** The job row a generation created for the book (committed before its first chunk). */
async function jobOf(bookId: string): Promise<string> {
  for (let i = 0; i < 300; i++) {
    const job = await t.db.prisma.codeJob.findFirst({ where: { bookId }, select: { id: true } });
    if (job) return job.id;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('the generation never started its job');
}

/**
 * Hears a job's snapshots as this process's `codeJob` feed does (the run's own announcements, in
 * process). `ended`: one of them had a final status, which ends a subscriber's stream. A run must
 * announce its end (the feed re-reads rows only every few seconds), as uploads and imports do.
 */
const listeners: Array<() => void> = [];
afterEach(() => {
  for (const stop of listeners.splice(0)) stop();
});
function hearJob(jobId: string) {
  const heard: CodeJobProgress[] = [];
  listeners.push(onCodeJobProgress(jobId, (progress) => heard.push(progress)));
  const statuses = () => heard.map((p) => p.status).join(', ') || 'nothing';
  return {
    /** The run told the job's watchers it ended (a status other than RUNNING). */
    expectEnded: () => expect(heard.some((p) => p.status !== 'RUNNING'), `the run never announced its end (heard: ${statuses()})`).toBe(true),
  };
}

/** What is left of the book, of the codes starting with `prefix` (in any book) and of its jobs. */
async function leftOf(bookId: string, prefix: string) {
  const [row] = await t.db.prisma.$queryRaw<Array<{ book: string | null; codes: number; jobs: number; running: number }>>(Prisma.sql`
    SELECT (SELECT status::text FROM book WHERE id = ${bookId}::uuid) AS book,
           (SELECT count(*)::int FROM coupon WHERE code LIKE ${`${prefix}%`} OR book_id = ${bookId}::uuid) AS codes,
           (SELECT count(*)::int FROM code_job WHERE book_id = ${bookId}::uuid) AS jobs,
           (SELECT count(*)::int FROM code_job WHERE book_id = ${bookId}::uuid AND status = 'RUNNING') AS running`);
  return row;
}

/**
 * A book's numbers three ways, which must agree: its rows (all, and those starting with `prefix`),
 * its state counters (book_state_count, what `bookStats` shows), and its CREATED_BULK events.
 */
async function countsOf(bookId: string, prefix: string) {
  const [row] = await t.db.prisma.$queryRaw<Array<{ rows: number; matching: number; counted: number; announced: number }>>(Prisma.sql`
    SELECT (SELECT count(*)::int FROM coupon WHERE book_id = ${bookId}::uuid) AS rows,
           (SELECT count(*)::int FROM coupon WHERE book_id = ${bookId}::uuid AND code LIKE ${`${prefix}%`}) AS matching,
           (SELECT coalesce(sum(n), 0)::int FROM book_state_count WHERE book_id = ${bookId}::uuid) AS counted,
           (SELECT coalesce(sum(count), 0)::int FROM coupon_event WHERE book_id = ${bookId}::uuid AND type = 'CREATED_BULK') AS announced`);
  return row;
}

const jobRow = (jobId: string) => t.db.prisma.codeJob.findUnique({ where: { id: jobId } });

type Generated = Awaited<ReturnType<typeof generateCodes>>;
const generation = (g: Outcome<Generated>) => (g.ok ? `generate ${g.value.status} (${g.value.generated})` : `generate ${g.code}`);

/** Every code of a `prefix` + AB^`length` pattern space, in order. */
const spaceOf = (prefix: string, length: number) =>
  Array.from({ length: 2 ** length }, (_, i) => `${prefix}${i.toString(2).padStart(length, '0').replace(/0/g, 'A').replace(/1/g, 'B')}`);

describe('generateCodes racing cancelCodeJob', () => {
  it('the cancel commits before the first chunk: the generation answers CANCELLED with nothing inserted', async () => {
    const { bookId } = await createBook(t.db, 0);
    const table = await holdCouponTable();
    const generated = outcome(generateCodes(admin(), bookId, { count: 40, prefix: 'GC1-' }));
    await waitingOnLock(GENERATE_CHUNK, { blockedBy: table.pid });
    const jobId = await jobOf(bookId);
    const watch = hearJob(jobId);
    // The job row is not locked while the chunk waits for the table: the cancel commits at once.
    const c = await outcome(cancelCodeJob(admin(), jobId));
    await table.end();
    const g = await generated;

    // Serially: the cancel, then the chunk (which finds the job CANCELLED and rolls back).
    expect(c).toMatchObject({ ok: true, value: { status: 'CANCELLED', inserted: 0 } });
    expect(generation(g)).toBe('generate CANCELLED (0)');
    expect(await jobRow(jobId)).toMatchObject({ status: 'CANCELLED', inserted: 0 });
    expect(await leftOf(bookId, 'GC1-')).toEqual({ book: 'ACTIVE', codes: 0, jobs: 1, running: 0 });
    watch.expectEnded();
  });

  it('the cancel comes between two chunks (a top-up follows the first): CANCELLED, the first chunk kept and counted', async () => {
    // 200 of the 256 codes of GC2-·AB^8 are taken by another book: the first chunk of 25 collides, a top-up must follow.
    const space = spaceOf('GC2-', 8);
    const { bookId: other } = await createBook(t.db, 0);
    await t.db.prisma.$executeRaw(Prisma.sql`INSERT INTO coupon (book_id, code) SELECT ${other}::uuid, unnest(${space.slice(0, 200)}::text[])`);
    const { bookId } = await createBook(t.db, 0);
    const table = await holdCouponTable();
    // No heartbeat during the test: one queued on the job row ahead of the chunk would hide whom the chunk waits for.
    const generated = outcome(
      generateCodes(admin(), bookId, { count: 25, prefix: 'GC2-', length: 8, charset: 'AB' }, { heartbeatIntervalMs: 600_000 }),
    );
    await waitingOnLock(GENERATE_CHUNK, { blockedBy: table.pid });
    const jobId = await jobOf(bookId);
    const watch = hearJob(jobId);
    // The first chunk inserts, then waits for its job row; the cancel queues behind it.
    const job = await holdJobRow(jobId);
    await table.end();
    await waitingOnLock(GENERATE_CHUNK, { blockedBy: job.pid });
    const cancelled = outcome(cancelCodeJob(admin(), jobId));
    await waitingOnLock(CANCEL);
    // A gate on the coupon table, queued behind the first chunk's insert: when that chunk commits,
    // the gate holds the table, so the top-up that follows waits at its insert while the cancel
    // (which writes no coupon) takes the job row. Without it the top-up may reach the job row
    // first (a waiter for a row that changed queues again for its new version): a serial order
    // too (chunk, top-up, cancel), but not the one this test is about.
    const gate = await t.db.pool.connect();
    await gate.query('BEGIN');
    const gated = gate.query('LOCK TABLE coupon IN SHARE MODE');
    holders.push(async () => {
      await gated.catch(() => undefined);
      await gate.query('ROLLBACK').catch(() => undefined);
      gate.release();
    });
    await waitingOnLock('%LOCK TABLE coupon IN SHARE MODE%');
    await job.end();
    const c = await cancelled;
    await gated;
    await gate.query('ROLLBACK');
    const g = await generated;

    // Serially: the first chunk, the cancel (keeping what that chunk made), then nothing more.
    const row = await jobRow(jobId);
    const counts = await countsOf(bookId, 'GC2-');
    expect(c).toMatchObject({ ok: true, value: { status: 'CANCELLED', inserted: counts.matching, processed: 25 } });
    expect(generation(g)).toBe(`generate CANCELLED (${counts.matching})`);
    expect(counts.matching).toBeLessThan(25);
    expect(row).toMatchObject({ status: 'CANCELLED', inserted: counts.matching, processed: 25, duplicates: 25 - counts.matching });
    expect(counts).toEqual({ rows: counts.matching, matching: counts.matching, counted: counts.matching, announced: counts.matching });
    watch.expectEnded();
  });

  it('the cancel comes while the last chunk waits to commit (holding its job row), and commits before the run ends its job: the answers agree with the job, never RUNNING', async () => {
    const { bookId } = await createBook(t.db, 0);
    const counts = await holdStateCounts();
    const generated = outcome(generateCodes(admin(), bookId, { count: 40, prefix: 'GC3-' }));
    // The only chunk has inserted its 40 codes, counted them on its job row, and waits to commit.
    await waitingOnLock(GENERATE_CHUNK, { blockedBy: counts.pid });
    const jobId = await jobOf(bookId);
    const watch = hearJob(jobId);
    const cancelled = outcome(cancelCodeJob(admin(), jobId));
    await waitingOnLock(CANCEL);
    // Every connection of the pool busy: after its chunk commits, the run waits for one to end its
    // job, while the cancel (already on the row) commits.
    const pool = await occupyPool();
    await counts.end();
    await pool.until("SELECT 1 FROM code_job WHERE id = $1 AND status <> 'RUNNING'", [jobId]);
    await pool.release();
    const [g, c] = await Promise.all([generated, cancelled]);

    const key = `${generation(g)}, cancel ${c.ok ? `${c.value.status} (${c.value.inserted})` : c.code}`;
    // The generation, then the cancel (refused: the job is COMPLETED); or the chunk, the cancel
    // (which keeps its 40 codes), then the end of a run that finds its job CANCELLED.
    expect(key).toBeOneOf(['generate COMPLETED (40), cancel BAD_USER_INPUT', 'generate CANCELLED (40), cancel CANCELLED (40)']);
    const row = await jobRow(jobId);
    expect(row?.status).toBe(g.ok ? g.value.status : 'missing');
    expect(row).toMatchObject({ inserted: 40, processed: 40 });
    expect(await countsOf(bookId, 'GC3-')).toEqual({ rows: 40, matching: 40, counted: 40, announced: 40 });
    watch.expectEnded();
  });
});

describe('generateCodes racing deleteBook', () => {
  const serial = (n: number) => [`generate COMPLETED (${n}), delete true`, 'generate NOT_FOUND, delete true'];
  const keyOf = (g: Outcome<Generated>, d: Outcome<boolean>) => `${generation(g)}, delete ${d.ok ? d.value : d.code}`;
  /** Serially: the delete, then the generation (no such book); or the generation, then the delete. Either way nothing is left. */
  async function expectSerialAndGone(g: Outcome<Generated>, d: Outcome<boolean>, bookId: string, prefix: string) {
    expect(keyOf(g, d)).toBeOneOf(serial(30));
    expect(await leftOf(bookId, prefix)).toEqual({ book: null, codes: 0, jobs: 0, running: 0 });
  }

  it('deleteBook holds the book when generateCodes creates its job: NOT_FOUND, no job, no code', async () => {
    const { bookId } = await createBook(t.db, 2);
    const book = await holdBookRow(bookId);
    const deleted = outcome(deleteBook(admin(), bookId));
    await waitingOnLock(DELETE_AT_BOOK, { blockedBy: book.pid });
    // The job's statement waits for the book behind the delete (it locks it FOR KEY SHARE).
    const generated = outcome(generateCodes(admin(), bookId, { count: 30, prefix: 'GD1-' }));
    await waitingOnLock(GENERATE_AT_JOB_START);
    await book.end();
    const [g, d] = await Promise.all([generated, deleted]);

    expect(keyOf(g, d)).toBe('generate NOT_FOUND, delete true');
    expect(await leftOf(bookId, 'GD1-')).toEqual({ book: null, codes: 0, jobs: 0, running: 0 });
  });

  it('deleteBook comes between the job\'s start and its first chunk: a serial answer (today NOT_FOUND), nothing left, the job\'s watchers hear it end', async () => {
    const { bookId } = await createBook(t.db, 2);
    const events = await holdEventTable();
    const generated = outcome(generateCodes(admin(), bookId, { count: 30, prefix: 'GD2-' }));
    await waitingOnLock(GENERATE_CHUNK, { blockedBy: events.pid });
    const watch = hearJob(await jobOf(bookId));
    // The chunk holds no row of the book yet: the delete takes the book, its codes and the job,
    // and commits. (A chunk that took the book before its insert would make the delete wait for it.)
    const deleted = outcome(deleteBook(admin(), bookId));
    await waitingOnLock([DELETE_AT_CODES, DELETE_AT_BOOK, DELETE_AT_DELETE], { unless: settledFlag(deleted) });
    await events.end();
    const [g, d] = await Promise.all([generated, deleted]);

    await expectSerialAndGone(g, d, bookId, 'GD2-');
    // The run ended: a `codeJob` subscriber must not be left watching a RUNNING job until a re-read.
    watch.expectEnded();
  });

  it('deleteBook takes the book while a chunk waits for its job row (another writer of the job holds it): a serial answer, no deadlock', async () => {
    const { bookId } = await createBook(t.db, 2);
    const table = await holdCouponTable();
    const generated = outcome(generateCodes(admin(), bookId, { count: 30, prefix: 'GD3-' }));
    await waitingOnLock(GENERATE_CHUNK, { blockedBy: table.pid });
    const jobId = await jobOf(bookId);
    const watch = hearJob(jobId);
    // The job's row held, as the run's other chunk or its heartbeat holds it for a moment: the
    // chunk inserts its codes, then waits to count them on the job row.
    const job = await holdJobRow(jobId);
    await table.end();
    await waitingOnLock(GENERATE_CHUNK, { blockedBy: job.pid });
    // deleteBook locks the book's codes and the book, and waits (for the book, or in its cascade to the job).
    const deleted = outcome(deleteBook(admin(), bookId));
    await waitingOnLock([DELETE_AT_BOOK, DELETE_AT_DELETE]);
    await job.end();
    const [g, d] = await Promise.all([generated, deleted]);

    // generation then delete, or delete then generation; never a deadlock (40P01) on either side
    await expectSerialAndGone(g, d, bookId, 'GD3-');
    watch.expectEnded();
  });

  it('a chunk holds the book and waits to commit; deleteBook waits for it, and commits before the run ends its job: the codes go with the book, the answers are serial ones', async () => {
    const { bookId } = await createBook(t.db, 2);
    const counts = await holdStateCounts();
    const generated = outcome(generateCodes(admin(), bookId, { count: 30, prefix: 'GD4-' }));
    await waitingOnLock(GENERATE_CHUNK, { blockedBy: counts.pid });
    const watch = hearJob(await jobOf(bookId));
    const deleted = outcome(deleteBook(admin(), bookId));
    await waitingOnLock(DELETE_AT_BOOK);
    // Every connection of the pool busy: after its chunk commits, the run waits for one to end its
    // job, while the delete (in its own transaction) takes the book, the codes and the job, and commits.
    const pool = await occupyPool();
    await counts.end();
    const d = await deleted;
    await pool.release();
    const g = await generated;
    await expectSerialAndGone(g, d, bookId, 'GD4-');
    watch.expectEnded();
  });

  it('10 plain rounds of generateCodes and deleteBook at once: each outcome is a serial one, and nothing is left behind', async () => {
    const seen: Record<string, number> = {};
    for (let round = 0; round < 10; round++) {
      const { bookId } = await createBook(t.db, 3);
      const prefix = `GDR${round}-`;
      const generate = () => outcome(generateCodes(admin(), bookId, { count: 30, prefix }));
      const remove = () => outcome(deleteBook(admin(), bookId));
      const [g, d] =
        round % 2 === 0 ? await Promise.all([generate(), remove()]) : await Promise.all([remove(), generate()]).then(([x, y]) => [y, x] as const);
      const key = keyOf(g, d);
      seen[key] = (seen[key] ?? 0) + 1;
      expect(key, `round ${round}`).toBeOneOf(serial(30));
      expect(await leftOf(bookId, prefix), `round ${round}: ${key}`).toEqual({ book: null, codes: 0, jobs: 0, running: 0 });
    }
    console.info(`generateCodes vs deleteBook, outcomes: ${JSON.stringify(seen)}`);
  });
});

describe('generateCodes racing archiveBook and pauseBook', () => {
  /** What the serial order "status change, then generation" answers, on a book of its own. */
  async function generatedAfter(change: typeof archiveBook, prefix: string, count: number): Promise<string> {
    const { bookId } = await createBook(t.db, 0);
    await change(admin(), bookId);
    const g = await outcome(generateCodes(admin(), bookId, { count, prefix }));
    expect(await t.db.prisma.coupon.count({ where: { bookId } })).toBe(g.ok ? g.value.generated : 0);
    return generation(g);
  }

  it('archiveBook while a chunk holds the book waiting to commit: neither blocks the other for good, the codes land in the archived book', async () => {
    const serialAfter = await generatedAfter(archiveBook, 'GA0-', 30);
    const { bookId } = await createBook(t.db, 2);
    const counts = await holdStateCounts();
    const generated = outcome(generateCodes(admin(), bookId, { count: 30, prefix: 'GA1-' }));
    await waitingOnLock(GENERATE_CHUNK, { blockedBy: counts.pid });
    const watch = hearJob(await jobOf(bookId));
    // The archive takes the book FOR NO KEY UPDATE, which the chunk's FOR KEY SHARE does not exclude:
    // it answers at once (or, should it wait, it waits for the chunk: either is a serial order).
    const archived = outcome(archiveBook(admin(), bookId));
    await waitingOnLock(STATUS_CHANGE_AT_BOOK, { unless: settledFlag(archived) });
    await counts.end();
    const [g, a] = await Promise.all([generated, archived]);

    expect(a).toMatchObject({ ok: true, value: { status: 'ARCHIVED' } });
    expect(generation(g)).toBeOneOf(['generate COMPLETED (30)', serialAfter]);
    expect(await leftOf(bookId, 'GA1-')).toEqual({ book: 'ARCHIVED', codes: g.ok ? 32 : 2, jobs: 1, running: 0 });
    watch.expectEnded();
  });

  it('pauseBook commits while a chunk waits to insert: both succeed, the codes land in the paused book', async () => {
    const serialAfter = await generatedAfter(pauseBook, 'GP0-', 30);
    const { bookId } = await createBook(t.db, 2);
    const table = await holdCouponTable();
    const generated = outcome(generateCodes(admin(), bookId, { count: 30, prefix: 'GP1-' }));
    await waitingOnLock(GENERATE_CHUNK, { blockedBy: table.pid });
    const p = await outcome(pauseBook(admin(), bookId));
    await table.end();
    const g = await generated;

    expect(p).toMatchObject({ ok: true, value: { status: 'PAUSED' } });
    expect(generation(g)).toBeOneOf(['generate COMPLETED (30)', serialAfter]);
    expect(await leftOf(bookId, 'GP1-')).toEqual({ book: 'PAUSED', codes: g.ok ? 32 : 2, jobs: 1, running: 0 });
  });

  it('8 plain rounds of generateCodes with archiveBook or pauseBook at once: both succeed, the codes are in the book', async () => {
    for (let round = 0; round < 8; round++) {
      const { bookId } = await createBook(t.db, 2);
      const prefix = `GAR${round}-`;
      const [change, status] = round % 2 === 0 ? [archiveBook, 'ARCHIVED'] : [pauseBook, 'PAUSED'];
      const [g, s] = await Promise.all([outcome(generateCodes(admin(), bookId, { count: 20, prefix })), outcome(change(admin(), bookId))]);
      expect(generation(g), `round ${round}`).toBe('generate COMPLETED (20)');
      expect(s, `round ${round}`).toMatchObject({ ok: true, value: { status } });
      expect(await leftOf(bookId, prefix)).toEqual({ book: status, codes: 22, jobs: 1, running: 0 });
    }
  });
});

describe('generateCodes racing another generation or an upload into the same book', () => {
  /** The job's counters must add up: every code tried is inserted or a duplicate. */
  async function expectJobAddsUp(jobId: string, inserted: number) {
    const row = await jobRow(jobId);
    expect(row).toMatchObject({ status: 'COMPLETED', inserted });
    expect(row?.processed).toBe((row?.inserted ?? 0) + (row?.duplicates ?? 0));
  }

  it('two generations of one pattern into one book, released together: unique codes, each its count, counters match the rows', async () => {
    // GG1-·AB^10: 1,024 codes, 2 × 100 drawn at once, so the two chunks collide on some codes they are both inserting.
    const { bookId } = await createBook(t.db, 0);
    const pattern = { count: 100, prefix: 'GG1-', length: 10, charset: 'AB' };
    const table = await holdCouponTable();
    const first = outcome(generateCodes(admin(), bookId, pattern));
    const second = outcome(generateCodes(admin(), bookId, pattern));
    await waitingOnLock(GENERATE_CHUNK, { n: 2, blockedBy: table.pid });
    await table.end();
    const [a, b] = await Promise.all([first, second]);

    expect([generation(a), generation(b)]).toEqual(['generate COMPLETED (100)', 'generate COMPLETED (100)']);
    if (!a.ok || !b.ok) return;
    await expectJobAddsUp(a.value.jobId, 100);
    await expectJobAddsUp(b.value.jobId, 100);
    expect(await countsOf(bookId, 'GG1-')).toEqual({ rows: 200, matching: 200, counted: 200, announced: 200 });
  });

  it('a generation and a list upload of the same pattern space, released together: every code once, both reports right', async () => {
    // GU1-·AB^8: 256 codes; the upload brings half of them, the generation draws 25 from all of them.
    const space = spaceOf('GU1-', 8);
    const listed = space.filter((_, i) => i % 2 === 0);
    const { bookId } = await createBook(t.db, 0);
    const table = await holdCouponTable();
    const uploaded = outcome(uploadCodes(admin(), { bookId, codes: listed }));
    await waitingOnLock(UPLOAD_AT_INSERT, { blockedBy: table.pid });
    const generated = outcome(generateCodes(admin(), bookId, { count: 25, prefix: 'GU1-', length: 8, charset: 'AB' }));
    await waitingOnLock(GENERATE_CHUNK, { blockedBy: table.pid });
    await table.end();
    const [u, g] = await Promise.all([uploaded, generated]);

    expect(generation(g)).toBe('generate COMPLETED (25)');
    expect(u).toMatchObject({ ok: true, value: { job: { status: 'COMPLETED' } } });
    if (!u.ok || !g.ok) return;
    // What the upload did not insert, the generation did (codes are globally unique, and nobody else has these).
    expect(u.value.duplicates.every((issue) => issue.reason === 'ALREADY_EXISTS')).toBe(true);
    expect(u.value.inserted + u.value.duplicateCount).toBe(listed.length);
    await expectJobAddsUp(g.value.jobId, 25);
    expect(await countsOf(bookId, 'GU1-')).toEqual({ rows: u.value.inserted + 25, matching: u.value.inserted + 25, counted: u.value.inserted + 25, announced: u.value.inserted + 25 });
    const present = await t.db.prisma.coupon.count({ where: { bookId, code: { in: listed } } });
    expect(present).toBe(listed.length);
  });

  it('a generation and a streamed import (uploadCodes(file:)) of the same pattern space, released together at the merge: every code once', async () => {
    const space = spaceOf('GI1-', 8);
    const listed = space.filter((_, i) => i % 2 === 1);
    const { bookId } = await createBook(t.db, 0);
    const table = await holdCouponTable();
    const body = new PassThrough();
    body.end(`${listed.join('\n')}\n`);
    const uploaded = outcome(uploadCodes(admin(), { bookId, file: body }));
    await waitingOnLock(IMPORT_AT_MERGE, { blockedBy: table.pid });
    const generated = outcome(generateCodes(admin(), bookId, { count: 25, prefix: 'GI1-', length: 8, charset: 'AB' }));
    await waitingOnLock(GENERATE_CHUNK, { blockedBy: table.pid });
    await table.end();
    const [u, g] = await Promise.all([uploaded, generated]);

    expect(generation(g)).toBe('generate COMPLETED (25)');
    expect(u).toMatchObject({ ok: true, value: { job: { status: 'COMPLETED' } } });
    if (!u.ok || !g.ok) return;
    expect(u.value.inserted + u.value.duplicateCount).toBe(listed.length);
    await expectJobAddsUp(g.value.jobId, 25);
    expect(await countsOf(bookId, 'GI1-')).toEqual({ rows: u.value.inserted + 25, matching: u.value.inserted + 25, counted: u.value.inserted + 25, announced: u.value.inserted + 25 });
    expect(await t.db.prisma.coupon.count({ where: { bookId, code: { in: listed } } })).toBe(listed.length);
  });

  it('6 plain rounds of two generations and an upload of one pattern space at once: counters always match the rows', async () => {
    for (let round = 0; round < 6; round++) {
      const prefix = `GUR${round}-`;
      const listed = spaceOf(prefix, 9).filter((_, i) => i % 3 === 0);
      const { bookId } = await createBook(t.db, 0);
      const pattern = { count: 30, prefix, length: 9, charset: 'AB' };
      const [a, u, b] = await Promise.all([
        outcome(generateCodes(admin(), bookId, pattern)),
        outcome(uploadCodes(admin(), { bookId, codes: listed })),
        outcome(generateCodes(admin(), bookId, pattern)),
      ]);
      expect([generation(a), generation(b)], `round ${round}`).toEqual(['generate COMPLETED (30)', 'generate COMPLETED (30)']);
      expect(u, `round ${round}`).toMatchObject({ ok: true, value: { job: { status: 'COMPLETED' } } });
      if (!u.ok) continue;
      expect(u.value.inserted + u.value.duplicateCount).toBe(listed.length);
      const n = u.value.inserted + 60;
      expect(await countsOf(bookId, prefix), `round ${round}`).toEqual({ rows: n, matching: n, counted: n, announced: n });
    }
  });
});
