import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DEFAULT_CHARSET, RandomCodeSource } from '@coupons/core';
import type pg from 'pg';
import { type BenchContext, compareGoal, formatNumber, ratio, runSize, type Scenario } from '../lib/scenario.ts';
import { countCoupons, createBook } from '../lib/seed.ts';
import { elapsedMs, round } from '../lib/stats.ts';
import { createAdminToken } from '../lib/tokens.ts';

const GENERATE = `mutation Generate($bookId: ID!, $count: Int!) {
  generateCodes(bookId: $bookId, input: { count: $count }) { jobId status requested generated }
}`;

// pg-copy-streams is the database package's dependency (for COPY); the benchmark borrows it from
// there rather than adding a dependency of its own.
const requireFromDb = createRequire(createRequire(import.meta.url).resolve('@coupons/db'));
const { from: copyFrom } = requireFromDb('pg-copy-streams') as { from: (sql: string) => NodeJS.WritableStream };

/**
 * generate-1m: `generateCodes` of 1,000,000 codes into one book through the API (the product's
 * chunked generation, unique index in place), beside the fastest bulk load PostgreSQL has: a text
 * COPY of 1M codes made beforehand into a table identical to `coupon` (same columns, defaults,
 * unique and partial indexes, checks).
 */
export const generate1m: Scenario = {
  id: 'generate-1m',
  title: 'generateCodes of 1M codes through the API vs COPY of 1M pre-made codes into an identical table',
  async run(ctx: BenchContext) {
    const { size: count, notes } = runSize(ctx, { full: 1_000_000, quick: 100_000 }, 'codes');
    const token = await createAdminToken(ctx.pool);
    const warmBook = await createBook(ctx.pool);
    const book = await createBook(ctx.pool);
    const copyBook = await createBook(ctx.pool);

    // Warm the API's generation path (JIT, prepared plans) with a small job first.
    await generateViaApi(ctx.api().url, token, warmBook, 20_000);
    ctx.log(`generateCodes: ${count.toLocaleString('en-US')} codes`);
    const started = process.hrtime.bigint();
    const answer = await generateViaApi(ctx.api().url, token, book, count);
    const apiMs = round(elapsedMs(started));

    ctx.log(`COPY: ${count.toLocaleString('en-US')} pre-made codes`);
    const copyMs = await copyPremadeCodes(ctx.pool, copyBook, count);
    const stored = await countCoupons(ctx.pool, book);
    const apiRate = round(count / (apiMs / 1000), 0);
    const copyRate = round(count / (copyMs / 1000), 0);
    const complete = answer.status === 'COMPLETED' && answer.generated === count && stored === count;
    return {
      summary: `API ${formatNumber(apiMs)} ms (${formatNumber(apiRate)} codes/s) · COPY ${formatNumber(copyMs)} ms (${formatNumber(copyRate)} codes/s)`,
      figures: { count, apiMs, copyMs, apiCodesPerSecond: apiRate, copyCodesPerSecond: copyRate, apiAnswer: answer, storedInBook: stored },
      goals: [
        // BENCH.md: a ratio to COPY into the same indexed table, not an absolute rate (the codes
        // per second of both are in the figures and the summary).
        compareGoal('API time / COPY time', ratio(apiMs, copyMs), '≤', 1.2),
        { name: 'all codes generated and stored', actual: `${answer.generated} / ${stored}`, target: `${count}`, met: complete },
      ],
      notes,
    };
  },
};

async function generateViaApi(url: string, token: string, bookId: string, count: number) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: token },
    body: JSON.stringify({ query: GENERATE, variables: { bookId, count } }),
    signal: AbortSignal.timeout(300_000),
  });
  const body = (await response.json()) as {
    data?: { generateCodes: { status: string; generated: number } };
    errors?: Array<{ message: string; extensions?: { code?: string } }>;
  };
  if (!body.data?.generateCodes) throw new Error(`generateCodes failed: ${JSON.stringify(body.errors)}`);
  return body.data.generateCodes;
}

/**
 * Makes `count` distinct codes like the product's (10 characters of its default charset), then
 * times only the COPY into `coupon_copy` (LIKE coupon INCLUDING ALL: every index and default).
 */
async function copyPremadeCodes(pool: pg.Pool, bookId: string, count: number): Promise<number> {
  const source = new RandomCodeSource(DEFAULT_CHARSET);
  const codes = new Set<string>();
  while (codes.size < count) codes.add(`C${source.next(10)}`);
  const lines: string[] = [];
  for (const code of codes) lines.push(`${bookId}\t${code}\n`);
  // ~64 KiB pieces, as a file would stream.
  const pieces: Buffer[] = [];
  for (let i = 0; i < lines.length; i += 3_000) pieces.push(Buffer.from(lines.slice(i, i + 3_000).join('')));
  await pool.query('DROP TABLE IF EXISTS coupon_copy');
  await pool.query('CREATE TABLE coupon_copy (LIKE coupon INCLUDING ALL)');
  const client = await pool.connect();
  try {
    const started = process.hrtime.bigint();
    await pipeline(Readable.from(pieces), client.query(copyFrom('COPY coupon_copy (book_id, code) FROM STDIN') as never) as unknown as NodeJS.WritableStream);
    return round(elapsedMs(started));
  } finally {
    client.release();
    await pool.query('DROP TABLE coupon_copy');
  }
}
