import { assignViaApi } from '../lib/assign-load.ts';
import { type BenchContext, compareGoal, formatNumber, ratio, runSize, type Scenario } from '../lib/scenario.ts';
import { createBook, seedBooks } from '../lib/seed.ts';
import { elapsedMs, quantile, round } from '../lib/stats.ts';
import { createAdminToken, createUsersWithTokens } from '../lib/tokens.ts';

const SMALL = 1_000;
const CALLS_PER_ROUND = 100;
/** Reads per measured query (book counts, searches): their p50 is reported. */
const READS = 15;

// Started in the background and followed with codeJob: a job of this size outlasts an HTTP
// client's patience for the answer's headers (undici's is 5 minutes).
const GENERATE = `mutation Generate($bookId: ID!, $count: Int!) {
  generateCodes(bookId: $bookId, input: { count: $count, waitForCompletion: false }) { jobId }
}`;
const JOB = 'query Job($jobId: ID!) { codeJob(jobId: $jobId) { status inserted error } }';
const COUNTS = 'query Counts($id: ID!) { book(id: $id) { counts { total unassigned assigned locked redeemed } } }';
const BY_PREFIX = `query ByPrefix($bookId: ID!, $prefix: String!) {
  coupons(bookId: $bookId, codePrefix: $prefix, first: 20) { totalCount edges { node { code state } } }
}`;
const BY_USER = `query ByUser($bookId: ID!, $userId: ID!) {
  coupons(bookId: $bookId, userId: $userId, first: 20) { edges { node { code state } } }
}`;
const ASSIGNED_PAGE = `query Assigned($bookId: ID!) {
  coupons(bookId: $bookId, state: ASSIGNED, first: 50) { edges { node { code assignedAt } } }
}`;

/**
 * book-10m (issue 20): a 10,000,000-code book, made the way an admin makes one (`generateCodes`
 * through the API, one job), then what a campaign of that size asks of the service beside the same
 * on a 1k-code book: a random claim (p50 of one call at a time, rounds alternating between the
 * books), the book's counts (`Book.counts`, what the console's book page and the stats feed
 * read), and the searches of the console (code prefix, one user's coupons, the newest assigned),
 * with the coupon table's and each index's size on disk.
 */
export const book10m: Scenario = {
  id: 'book-10m',
  title: 'A 10M-code book: generateCodes, random claim p50 vs a 1k-code book, counts, search, table and index sizes',
  async run(ctx: BenchContext) {
    const { size: bigSize, notes: sizeNotes } = runSize(ctx, { full: 10_000_000, quick: 500_000 }, 'codes');
    const rounds = ctx.quick ? 2 : 4;
    const adminToken = await createAdminToken(ctx.pool);
    const { tokens, userIds } = await createUsersWithTokens(ctx.pool, 100);
    const url = ctx.api().url;
    const query = (document: string, variables: Record<string, unknown>) => graphql(url, adminToken, document, variables, 120_000);

    const big = await createBook(ctx.pool, 'bench 10M-code book');
    const { small } = await seedBooks(ctx.pool, { small: { codes: SMALL } });
    ctx.log(`generateCodes: ${formatNumber(bigSize)} codes in one job`);
    const started = process.hrtime.bigint();
    const { jobId } = (await query(GENERATE, { bookId: big, count: bigSize })).generateCodes as { jobId: string };
    let job = { status: 'RUNNING', inserted: 0, error: null as string | null };
    while (job.status === 'RUNNING') {
      await new Promise((resolve) => setTimeout(resolve, 250));
      job = (await query(JOB, { jobId })).codeJob as typeof job;
    }
    const generateMs = round(elapsedMs(started));
    if (job.status !== 'COMPLETED' || job.inserted !== bigSize) throw new Error(`generateCodes ended ${JSON.stringify(job)}`);
    await ctx.pool.query('ANALYZE coupon');

    // Random claims, one at a time: the pick starts at a random key and walks the index, so the
    // book's size must not show. Rounds alternate so that drifting load hits both books alike.
    const one = { concurrency: 1, tokens, userIds };
    await assignViaApi(url, { ...one, bookIds: [big], calls: 100 });
    const claims = { big: [] as number[], small: [] as number[] };
    for (let i = 0; i < rounds; i++) {
      ctx.log(`claims: round ${i + 1}/${rounds}`);
      for (const key of ['small', 'big'] as const) {
        const result = await assignViaApi(url, { ...one, bookIds: [key === 'big' ? big : small], calls: CALLS_PER_ROUND });
        if (result.ok !== CALLS_PER_ROUND) throw new Error(`a claim failed on the ${key} book`);
        claims[key].push(result.p50Ms);
      }
    }

    ctx.log('counts and searches');
    const sample = await ctx.pool.query<{ code: string; userId: string }>(
      `SELECT code, assigned_user_id::text AS "userId" FROM coupon WHERE book_id = $1::uuid AND state = 'ASSIGNED' LIMIT 1`,
      [big],
    );
    const { code, userId } = sample.rows[0];
    const reads = {
      countsBig: await timeReads(() => query(COUNTS, { id: big })),
      countsSmall: await timeReads(() => query(COUNTS, { id: small })),
      byPrefix: await timeReads(() => query(BY_PREFIX, { bookId: big, prefix: code.slice(0, 6) })),
      byUser: await timeReads(() => query(BY_USER, { bookId: big, userId })),
      newestAssigned: await timeReads(() => query(ASSIGNED_PAGE, { bookId: big })),
    };
    const sizes = await relationSizes(ctx);

    const median = (values: number[]) => round(quantile([...values].sort((a, b) => a - b), 0.5));
    const p50 = { big: median(claims.big), small: median(claims.small) };
    const codesPerSecond = round(bigSize / (generateMs / 1000), 0);
    return {
      summary:
        `generate ${formatNumber(bigSize)} in ${formatNumber(round(generateMs / 1000, 1))} s (${formatNumber(codesPerSecond)}/s) · ` +
        `claim p50 ${p50.big} ms vs ${p50.small} ms · counts p50 ${reads.countsBig} ms · search p50 ${reads.byPrefix}/${reads.byUser}/${reads.newestAssigned} ms · ` +
        `coupon table + indexes ${formatNumber(round(sizes.totalBytes / 2 ** 20, 0))} MiB`,
      figures: {
        bigBookSize: bigSize,
        smallBookSize: SMALL,
        generateMs,
        generateCodesPerSecond: codesPerSecond,
        claimP50Ms: p50,
        claimPerRoundP50Ms: claims,
        readP50Ms: reads,
        sizes,
      },
      goals: [
        compareGoal('claim p50 10M/1k (GraphQL)', ratio(p50.big, p50.small), '≤', 1.3),
        compareGoal('search p50, code prefix on the 10M book', reads.byPrefix, '≤', 100, ' ms'),
        compareGoal("search p50, one user's coupons on the 10M book", reads.byUser, '≤', 100, ' ms'),
        compareGoal('Book.counts p50 on the 10M book', reads.countsBig, '≤', 100, ' ms'),
      ],
      notes: [
        ...sizeNotes,
        'Book.counts adds up book_state_count (a few rows per book, kept by triggers on coupon) and counts only the live locks; before those rows (commit 668cd9b) it counted every code: 4,527 ms p50 on the 10M book.',
      ],
    };
  },
};

interface GraphqlAnswer {
  data?: Record<string, unknown>;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

async function graphql(url: string, token: string, query: string, variables: Record<string, unknown>, timeoutMs: number) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: token },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const body = (await response.json()) as GraphqlAnswer;
  if (!body.data || body.errors) throw new Error(`GraphQL failed: ${JSON.stringify(body.errors)}`);
  return body.data;
}

/** p50 in ms of READS sequential calls, after one warm-up call. */
async function timeReads(read: () => Promise<unknown>): Promise<number> {
  await read();
  const times: number[] = [];
  for (let i = 0; i < READS; i++) {
    const started = process.hrtime.bigint();
    await read();
    times.push(elapsedMs(started));
  }
  return round(quantile(times.sort((a, b) => a - b), 0.5));
}

/** The coupon table's heap and every index of it, in bytes (the whole table: the 10M book dominates it). */
async function relationSizes(ctx: BenchContext) {
  const { rows } = await ctx.pool.query<{ name: string; bytes: string }>(
    `SELECT 'coupon (heap)' AS name, pg_relation_size('coupon')::text AS bytes
     UNION ALL
     SELECT indexrelid::regclass::text, pg_relation_size(indexrelid)::text FROM pg_index WHERE indrelid = 'coupon'::regclass
     UNION ALL
     SELECT 'coupon (total, with TOAST)', pg_total_relation_size('coupon')::text`,
  );
  const bytes = Object.fromEntries(rows.map((row) => [row.name, Number(row.bytes)]));
  return { bytes, totalBytes: bytes['coupon (total, with TOAST)'] };
}
