import { spawn } from 'node:child_process';
import { bookCodesCopySql, bookRedemptionsCopySql } from '@coupons/core';
import type pg from 'pg';
import { treeCpuMs } from '../lib/cpu.ts';
import { rssKb, sampleRss } from '../lib/memory.ts';
import { type BenchContext, compareGoal, formatNumber, ratio, runSize, type Scenario } from '../lib/scenario.ts';
import { addCoupons, createBook, createUsers } from '../lib/seed.ts';
import { elapsedMs, round } from '../lib/stats.ts';
import { createAdminToken } from '../lib/tokens.ts';

const LF = 0x0a;

/** What one download measured. */
interface Transfer {
  rows: number;
  bytes: number;
  ms: number;
  rowsPerSecond: number;
  megabytesPerSecond: number;
}

/**
 * export-1m (issue 20, item 3): the CSV exports of a 1,000,000-code book (a tenth of it assigned,
 * so the holder's email is joined) and of 1,000,000 redemptions (metadata, orders with amounts in
 * minor units), downloaded over HTTP from the API, beside the very same `COPY (SELECT …) TO
 * STDOUT` statement run by `psql` (the database's own speed, with the formatting done in SQL
 * alike), and a raw COPY of the same rows with no formatting at all. Rows per second of both, their ratio, and the API process's resident memory before and
 * at its peak during each download (sampled every 20 ms from /proc).
 */
export const export1m: Scenario = {
  id: 'export-1m',
  title: 'CSV export of 1M codes and of 1M redemptions over HTTP vs the same COPY through psql',
  async run(ctx: BenchContext) {
    const { size: count, notes: sizeNotes } = runSize(ctx, { full: 1_000_000, quick: 100_000 }, 'rows');
    const token = await createAdminToken(ctx.pool);
    const users = await createUsers(ctx.pool, 1_000);
    const userIds = users.map((u) => u.id);

    ctx.log(`seeding ${formatNumber(count)} codes and ${formatNumber(count)} redemptions`);
    const codesBook = await createBook(ctx.pool, 'bench export codes');
    await addCoupons(ctx.pool, codesBook, count, { userIds, assigned: count / 10 });
    const redemptionsBook = await createBook(ctx.pool, 'bench export redemptions');
    await seedRedemptions(ctx.pool, redemptionsBook, count, userIds);
    await ctx.pool.query('ANALYZE coupon; ANALYZE redemption; ANALYZE app_user');

    const api = ctx.api();
    const base = api.baseUrl;
    // Warm the route (JIT, the pool's connections) on a slice of each.
    await download(`${base}/export/books/${codesBook}/codes.csv?state=ASSIGNED`, token);
    await download(`${base}/export/books/${redemptionsBook}/redemptions.csv?reversed=true`, token);

    const figures: Record<string, unknown> = { count };
    const goals = [];
    const summary: string[] = [];
    try {
      for (const kind of ['codes', 'redemptions'] as const) {
        const book = kind === 'codes' ? codesBook : redemptionsBook;
        ctx.log(`${kind}: psql COPY, then the API's download`);
        const statement = kind === 'codes' ? bookCodesCopySql(book, {}, new Date()) : bookRedemptionsCopySql(book, {});
        const viaPsql = await psqlCopy(ctx.database.url, statement);
        const raw = await psqlCopy(ctx.database.url, rawCopySql(kind, book));
        const rss = sampleRss(api.pid, 20);
        const cpuBefore = treeCpuMs(api.pid);
        let memory: { beforeKb: number; peakKb: number };
        let viaApi: Transfer;
        try {
          viaApi = await download(`${base}/export/books/${book}/${kind}.csv`, token);
        } finally {
          memory = rss.stop();
        }
        const apiCpuMs = round(treeCpuMs(api.pid) - cpuBefore);
        const [rssBefore, rssPeak, rssAfter] = [memory.beforeKb, memory.peakKb, rssKb(api.pid)].map((kb) => round(kb / 1024, 1));
        const rssGrowth = round((memory.peakKb - memory.beforeKb) / 1024, 1);
        figures[kind] = {
          api: viaApi,
          psql: viaPsql,
          psqlRaw: raw,
          apiTimeOverPsql: ratio(viaApi.ms, viaPsql.ms),
          apiTimeOverRawCopy: ratio(viaApi.ms, raw.ms),
          apiCpuMs,
          apiRssMb: { before: rssBefore, peak: rssPeak, after: rssAfter, growth: rssGrowth },
        };
        summary.push(
          `${kind}: API ${formatNumber(viaApi.rowsPerSecond)} rows/s · psql ${formatNumber(viaPsql.rowsPerSecond)} · raw COPY ${formatNumber(raw.rowsPerSecond)}`,
        );
        goals.push(
          compareGoal(`${kind}: API rows/s`, viaApi.rowsPerSecond, '≥', 500_000),
          compareGoal(`${kind}: API time / psql COPY time`, ratio(viaApi.ms, viaPsql.ms), '≤', 1.5),
          compareGoal(`${kind}: API RSS growth`, rssGrowth, '<', 50, ' MB'),
          { name: `${kind}: every row exported`, actual: `${viaApi.rows} / ${viaPsql.rows}`, target: `${count}`, met: viaApi.rows === count && viaPsql.rows === count },
        );
      }
    } finally {
      // Leave the invariant checker a consistent database: these redemptions have no events.
      await ctx.pool.query('DELETE FROM redemption WHERE book_id = $1::uuid', [redemptionsBook]);
      await ctx.pool.query('DELETE FROM coupon WHERE book_id = $1::uuid', [redemptionsBook]);
    }
    return {
      summary: summary.join(' · '),
      figures,
      goals,
      notes: [
        'psql runs the statement the API sends (bookCodesCopySql / bookRedemptionsCopySql): the ratio is what Node and HTTP add',
        'raw COPY: psql copying the same rows and joins with no cell formatting (no to_char, no formula guard, amounts as stored): what making the cells costs',
        ...sizeNotes,
      ],
    };
  },
};

/** The same rows and joins as the export's statement, the columns as stored (the database's floor). */
function rawCopySql(kind: 'codes' | 'redemptions', bookId: string): string {
  const select =
    kind === 'codes'
      ? `SELECT c.code, c.state, u.email, c.assigned_at, c.redemption_count, c.created_at
           FROM coupon c LEFT JOIN app_user u ON u.id = c.assigned_user_id WHERE c.book_id = '${bookId}'`
      : `SELECT r.id, c.code, u.email, r.redeemed_at, r.idempotency_key, r.metadata, r.reversed_at, r.reversal_reason,
                r.order_id, r.order_amount, r.discount_amount, r.currency
           FROM redemption r JOIN coupon c ON c.id = r.coupon_id JOIN app_user u ON u.id = r.user_id WHERE r.book_id = '${bookId}'`;
  return `COPY (${select}) TO STDOUT WITH (FORMAT csv, HEADER)`;
}

/**
 * `count` coupons held by `userIds` and one redemption each, with metadata, and an order (amounts
 * and currency) on every other one. Written straight to the tables, with no events: the scenario
 * deletes them before the invariant checker runs.
 */
async function seedRedemptions(pool: pg.Pool, bookId: string, count: number, userIds: string[]): Promise<void> {
  await pool.query(
    `INSERT INTO coupon (book_id, code, state, assigned_user_id, assigned_at)
     SELECT $1::uuid, 'R' || upper(left($1::text, 8)) || '-' || g, 'ASSIGNED', ($3::uuid[])[1 + (g - 1) % cardinality($3::uuid[])], now()
       FROM generate_series(1, $2::int) AS g`,
    [bookId, count, userIds],
  );
  await pool.query(
    `INSERT INTO redemption (id, coupon_id, book_id, user_id, redeemed_at, idempotency_key, metadata, order_id, order_amount, discount_amount, currency)
     SELECT gen_random_uuid(), c.id, c.book_id, c.assigned_user_id, now() - (n || ' ms')::interval, 'key-' || n,
            jsonb_build_object('channel', 'web', 'basket', n % 97),
            CASE WHEN n % 2 = 0 THEN 'ORDER-' || n END,
            CASE WHEN n % 2 = 0 THEN 59.9 END, CASE WHEN n % 2 = 0 THEN 5.99 END, CASE WHEN n % 2 = 0 THEN 'EUR' END
       FROM (SELECT id, book_id, assigned_user_id, row_number() OVER (ORDER BY id) AS n FROM coupon WHERE book_id = $1::uuid) c`,
    [bookId],
  );
}

/** Downloads `url` with the token, counting bytes and rows (line feeds outside the header) as they arrive. */
async function download(url: string, token: string): Promise<Transfer> {
  const started = process.hrtime.bigint();
  const response = await fetch(url, { headers: { authorization: token }, signal: AbortSignal.timeout(300_000) });
  if (response.status !== 200 || !response.body) throw new Error(`export ${url}: HTTP ${response.status} ${await response.text()}`);
  let bytes = 0;
  let lines = 0;
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
    bytes += chunk.length;
    lines += countLineFeeds(chunk);
  }
  return transfer(lines - 1, bytes, elapsedMs(started));
}

/** Runs `statement` (a COPY … TO STDOUT) with psql, counting what it writes. */
function psqlCopy(url: string, statement: string): Promise<Transfer> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const psql = spawn('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', url, '-c', statement], { stdio: ['ignore', 'pipe', 'pipe'] });
    let bytes = 0;
    let lines = 0;
    let errors = '';
    psql.stdout.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      lines += countLineFeeds(chunk);
    });
    psql.stderr.on('data', (chunk: Buffer) => {
      errors += chunk.toString();
    });
    psql.on('error', reject);
    psql.on('close', (code) => {
      if (code !== 0) reject(new Error(`psql exited ${code}: ${errors}`));
      // COPY's rows end with LF alone (the API turns them into CRLF): the same count of rows.
      else resolve(transfer(lines - 1, bytes, elapsedMs(started)));
    });
  });
}

function transfer(rows: number, bytes: number, ms: number): Transfer {
  return {
    rows,
    bytes,
    ms: round(ms),
    rowsPerSecond: round(rows / (ms / 1000), 0),
    megabytesPerSecond: round(bytes / 1_048_576 / (ms / 1000), 1),
  };
}

function countLineFeeds(chunk: Uint8Array): number {
  let n = 0;
  for (let at = chunk.indexOf(LF); at >= 0; at = chunk.indexOf(LF, at + 1)) n++;
  return n;
}
