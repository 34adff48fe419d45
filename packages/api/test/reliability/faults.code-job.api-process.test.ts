import { Prisma } from '@coupons/db';
import { describe, expect, it } from 'vitest';
import { type ApiProcess, type ApiUser, call, connectGraphQLWs, createCampaign, createUsers, pollUntil, useApiProcesses } from '../../testing/index.ts';
import { expectInvariants } from './book.snapshot.ts';
import { expectNoOpenTransactions } from './checkout.load.ts';

// A large generateCodes job in an API process (main.ts in a child) that is SIGKILLed mid-job: no
// drain, a chunk cut mid-transaction, its heartbeat stops. Another API process, with a short stale
// threshold, must take the job over and resume it: the job ends COMPLETED with exactly the codes
// requested in the book, none twice, and a `codeJob` subscription on the new process follows the
// resumed run to the end.

const COUNT = 500_000;
/** Kill once at least this many codes are in (two of the ten 50,000-code chunks). */
const KILL_AFTER = 100_000;
const HEARTBEAT_MS = 500;
const STALE_MS = 2_000;

interface JobRow {
  status: string;
  inserted: number;
  processed: number;
  duplicates: number;
  attempts: number;
}

const t = useApiProcesses({ CODE_JOB_HEARTBEAT_INTERVAL_MS: String(HEARTBEAT_MS), CODE_JOB_STALE_AFTER_MS: String(STALE_MS) });

const start = () => t.start();

const readJob = async (jobId: string): Promise<JobRow> =>
  (await t.database.db.prisma.$queryRaw<JobRow[]>(Prisma.sql`
    SELECT status::text AS status, inserted, processed, duplicates, attempts FROM code_job WHERE id = ${jobId}::uuid`))[0];

describe('SIGKILL of the API process during a code generation job', () => {
  it(`another process resumes it: ${COUNT.toLocaleString('en-US')} codes exactly, none twice, live progress to the end`, async () => {
    const first = await start();
    const [admin] = await createUsers(t.users, 1, 'ADMIN');
    const { bookId } = await createCampaign({ url: first.url }, admin, 0);
    const started = await call<{ jobId: string; status: string }>(
      first,
      'mutation ($b: ID!, $n: Int!) { generateCodes(bookId: $b, input: { count: $n, waitForCompletion: false }) { jobId status } }',
      { b: bookId, n: COUNT },
      admin.token,
    );
    if (!started.ok) throw new Error(`generateCodes: ${started.code} ${started.message}`);
    const { jobId } = started.data;

    const atKill = await pollUntil(() => readJob(jobId), (job) => job.inserted >= KILL_AFTER, { timeoutMs: 120_000, what: 'first chunks' });
    await first.kill('SIGKILL');
    const killedAt = Date.now();
    const afterKill = await readJob(jobId);
    expect(afterKill.status).toBe('RUNNING');
    expect(afterKill.inserted).toBeLessThan(COUNT);
    // What the dead process left is exactly what its job row says (chunks commit with the counters).
    expect(await codesIn(bookId)).toBe(afterKill.inserted);

    const second = await start();
    const progress = followJob(second, admin, jobId);
    progress.catch(() => {}); // awaited below; not an unhandled rejection if an assertion fails first
    const takenOver = await pollUntil(() => readJob(jobId), (job) => job.attempts === 2, { timeoutMs: 30_000, what: 'takeover' });
    const tookOverMs = Date.now() - killedAt;
    const final = await pollUntil(() => readJob(jobId), (job) => job.status !== 'RUNNING', { timeoutMs: 180_000, what: 'completion' });
    const recoveredMs = Date.now() - killedAt;
    console.info(
      `[faults] code job: killed at ${afterKill.inserted} of ${COUNT} codes (${atKill.inserted} seen), taken over ${tookOverMs} ms after the kill (stale threshold ${STALE_MS} ms), completed ${recoveredMs} ms after it`,
    );

    expect(takenOver.inserted).toBe(afterKill.inserted);
    expect(final).toMatchObject({ status: 'COMPLETED', inserted: COUNT, attempts: 2 });
    expect(final.processed).toBe(final.inserted + final.duplicates);
    expect(await codesIn(bookId)).toBe(COUNT);
    const [{ distinct }] = await t.database.db.prisma.$queryRaw<Array<{ distinct: number }>>(Prisma.sql`
      SELECT count(DISTINCT upper(code))::int AS distinct FROM coupon WHERE book_id = ${bookId}::uuid`);
    expect(distinct).toBe(COUNT);
    // The CREATED_BULK summaries of both runs add up to the codes: no chunk counted without its codes.
    const [{ summed }] = await t.database.db.prisma.$queryRaw<Array<{ summed: number }>>(Prisma.sql`
      SELECT coalesce(sum(count), 0)::int AS summed FROM coupon_event WHERE book_id = ${bookId}::uuid AND type = 'CREATED_BULK'`);
    expect(summed).toBe(COUNT);

    const seen = await progress;
    expect(seen.at(-1)).toMatchObject({ status: 'COMPLETED', inserted: COUNT });
    expect(seen.some((p) => p.status === 'RUNNING' && p.inserted > afterKill.inserted && p.inserted < COUNT), 'live progress of the resumed run').toBe(true);

    const api = await call(second, 'query ($id: ID!) { codeJob(jobId: $id) { status inserted } }', { id: jobId }, admin.token);
    expect(api).toEqual({ ok: true, data: { status: 'COMPLETED', inserted: COUNT } });
    await expectNoOpenTransactions(t.database.db);
    await expectInvariants(t.database.db, 'after the code job was resumed');
  }, 300_000);
});

async function codesIn(bookId: string): Promise<number> {
  const [{ n }] = await t.database.db.prisma.$queryRaw<Array<{ n: number }>>(Prisma.sql`
    SELECT count(*)::int AS n FROM coupon WHERE book_id = ${bookId}::uuid`);
  return n;
}

/** Every `codeJob` message on `api` until the stream ends (it ends after COMPLETED or FAILED). */
async function followJob(api: ApiProcess, admin: ApiUser, jobId: string): Promise<Array<{ status: string; inserted: number }>> {
  const client = connectGraphQLWs({ wsUrl: api.url.replace(/^http/, 'ws') }, admin.token);
  const seen: Array<{ status: string; inserted: number }> = [];
  try {
    const stream = client.iterate<{ codeJob: { status: string; inserted: number } }>({
      query: 'subscription ($id: ID!) { codeJob(jobId: $id) { status inserted } }',
      variables: { id: jobId },
    });
    for await (const message of stream) {
      if (message.errors) throw new Error(`codeJob subscription: ${JSON.stringify(message.errors)}`);
      if (message.data) seen.push(message.data.codeJob);
    }
  } finally {
    await client.dispose();
  }
  return seen;
}
