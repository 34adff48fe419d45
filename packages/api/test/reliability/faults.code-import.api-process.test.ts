import http from 'node:http';
import { Prisma } from '@coupons/db';
import { describe, expect, it } from 'vitest';
import { type ApiProcess, createCampaign, createUsers, pollUntil, useApiProcesses } from '../../testing/index.ts';
import { expectInvariants } from './book.snapshot.ts';
import { expectNoOpenTransactions } from './checkout.load.ts';

// A streamed import (POST /import/books/:id/codes) whose API process is SIGKILLed in the middle of
// its merge: all or nothing, so the book must be exactly as before (no code, no report line), the
// job must end FAILED with 0 inserted once another process's reaper finds it stale, and sending
// the same file again must import all of it.

const LINES = 300_000;
const HEARTBEAT_MS = 500;
const STALE_MS = 2_000;

const t = useApiProcesses({ CODE_JOB_HEARTBEAT_INTERVAL_MS: String(HEARTBEAT_MS), CODE_JOB_STALE_AFTER_MS: String(STALE_MS) });

const start = () => t.start();

interface JobRow {
  status: string;
  total: number;
  processed: number;
  inserted: number;
  error: string | null;
}

const readJob = async (jobId: string): Promise<JobRow> =>
  (await t.database.db.prisma.$queryRaw<JobRow[]>(Prisma.sql`
    SELECT status::text AS status, total, processed, inserted, error FROM code_job WHERE id = ${jobId}::uuid`))[0] as JobRow;

/** Streams the file (chunked, as curl does from a pipe); resolves with the answer. */
function postImport(api: ApiProcess, token: string, bookId: string, query = ''): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const request = http.request(`${api.baseUrl}/import/books/${bookId}/codes${query}`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv', authorization: `Bearer ${token}` },
    });
    request.on('response', (response) => {
      let text = '';
      response.on('data', (chunk) => {
        text += chunk;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) }));
    });
    request.on('error', reject);
    for (let i = 0; i < LINES; i += 10_000) {
      let piece = '';
      for (let j = i; j < i + 10_000; j += 1) piece += `KILL${String(j).padStart(8, '0')}\n`;
      request.write(piece);
    }
    request.end();
  });
}

const count = async (sql: Prisma.Sql) => (await t.database.db.prisma.$queryRaw<Array<{ n: number }>>(sql))[0]?.n;

describe('SIGKILL of the API process during a streamed import', () => {
  it('leaves the book as it was; the job ends FAILED with 0 inserted; the same file then imports whole', async () => {
    const first = await start();
    const [admin] = await createUsers(t.users, 1, 'ADMIN');
    const { bookId } = await createCampaign({ url: first.url }, admin, 0);

    const staged = await postImport(first, admin.token, bookId, '?wait=false');
    expect(staged.status).toBe(202);
    const jobId = staged.body.jobId as string;
    // Killed once the merge has put some chunks in (inside its one transaction).
    const atKill = await pollUntil(() => readJob(jobId), (job) => job.inserted > 0, { timeoutMs: 120_000, what: 'merge under way', everyMs: 25 });
    await first.kill('SIGKILL');
    expect(atKill.inserted).toBeLessThan(LINES);
    const codesInBook = Prisma.sql`SELECT count(*)::int AS n FROM coupon WHERE book_id = ${bookId}::uuid`;
    expect(await count(codesInBook)).toBe(0);

    const second = await start();
    const failed = await pollUntil(() => readJob(jobId), (job) => job.status !== 'RUNNING', { timeoutMs: 30_000, what: 'reaper', everyMs: 25 });
    expect(failed).toMatchObject({ status: 'FAILED', inserted: 0, error: expect.stringContaining('Upload the file again') });
    expect(await count(codesInBook)).toBe(0);
    expect(await count(Prisma.sql`SELECT count(*)::int AS n FROM code_job_issue WHERE job_id = ${jobId}::uuid`)).toBe(0);
    expect(await count(Prisma.sql`SELECT count(*)::int AS n FROM coupon_event WHERE book_id = ${bookId}::uuid`)).toBe(0);

    const again = await postImport(second, admin.token, bookId);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ status: 'COMPLETED', inserted: LINES, duplicateCount: 0, invalidCount: 0 });
    expect(await count(codesInBook)).toBe(LINES);
    await expectNoOpenTransactions(t.database.db);
    await expectInvariants(t.database.db, 'after the import was killed and sent again');
  }, 300_000);
});
