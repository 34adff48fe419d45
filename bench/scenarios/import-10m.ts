import http from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { CodeJobProgress } from '@coupons/core';
import { type BenchContext, formatNumber, runSize, type Scenario } from '../lib/scenario.ts';
import { expectedImport, importCsvLine } from '../lib/import-csv.ts';
import { sampleRss } from '../lib/memory.ts';
import { countCoupons, createBook } from '../lib/seed.ts';
import { elapsedMs, round } from '../lib/stats.ts';
import { createAdminToken } from '../lib/tokens.ts';

const JOB = 'query Job($jobId: ID!) { codeJob(jobId: $jobId) { status total processed inserted duplicates invalid error } }';
/** Lines per piece of the body the client sends (about 64 KiB, as `curl --data-binary @file` streams). */
const LINES_PER_PIECE = 4_000;

/**
 * import-10m (issue 20, item 1): `POST /import/books/:bookId/codes` of a 10,000,000-line CSV
 * (~160 MB: 15-character codes), streamed by the client as `curl --data-binary @codes.csv` does
 * (made on the fly, never held whole by the bench either), with `?wait=false`: the answer comes
 * once the whole file is staged, then the job is followed through `codeJob` to its end. The API
 * process's resident memory (VmRSS from /proc) is sampled every 100 ms from before the upload to
 * the end of the merge: its growth is the figure the issue bounds (< 50 MB).
 */
export const import10m: Scenario = {
  id: 'import-10m',
  title: 'Streamed CSV import of 10M lines (~160 MB): API RSS growth, rows/s, time',
  async run(ctx: BenchContext) {
    const { size: lines, notes } = runSize(ctx, { full: 10_000_000, quick: 1_000_000 }, 'lines');
    const token = await createAdminToken(ctx.pool);
    const warmBook = await createBook(ctx.pool);
    const book = await createBook(ctx.pool);
    const api = ctx.api();

    // Warm the import path (JIT, the first COPY) with a small file first.
    await waitForJob(api.url, token, (await postImport(api.baseUrl, token, warmBook, 20_000, 'W')).jobId);

    const rss = sampleRss(api.pid);
    ctx.log(`import: ${lines.toLocaleString('en-US')} lines`);
    const started = process.hrtime.bigint();
    const staged = await postImport(api.baseUrl, token, book, lines, 'I');
    const uploadMs = round(elapsedMs(started));
    ctx.log(`staged in ${formatNumber(uploadMs)} ms; merging`);
    const job = await waitForJob(api.url, token, staged.jobId, (p) => ctx.log(`merged ${formatNumber(p.processed)} of ${formatNumber(p.total)}`));
    const totalMs = round(elapsedMs(started));
    const memory = rss.stop();
    const stored = await countCoupons(ctx.pool, book);

    const { inserted: expectedInserted, duplicates: repeats, invalid } = expectedImport(lines);
    const growthMb = round((memory.peakKb - memory.beforeKb) / 1024, 1);
    const rowsPerSecond = round(lines / (totalMs / 1000), 0);
    const bytes = staged.bytes;
    return {
      summary: `${formatNumber(lines)} lines (${formatNumber(round(bytes / 1e6, 0))} MB) in ${formatNumber(round(totalMs / 1000, 1))} s (${formatNumber(rowsPerSecond)} rows/s; upload+staging ${formatNumber(round(uploadMs / 1000, 1))} s) · API RSS +${growthMb} MB (peak ${formatNumber(round(memory.peakKb / 1024, 0))} MB)`,
      figures: {
        lines,
        bytes,
        uploadAndStageMs: uploadMs,
        totalMs,
        rowsPerSecond,
        stagedRowsPerSecond: round(lines / (uploadMs / 1000), 0),
        apiRssBeforeMb: round(memory.beforeKb / 1024, 1),
        apiRssPeakMb: round(memory.peakKb / 1024, 1),
        apiRssGrowthMb: growthMb,
        job,
        storedInBook: stored,
      },
      goals: [
        { name: 'API RSS growth', actual: `${growthMb} MB`, target: '< 50 MB', met: growthMb < 50 },
        {
          name: 'all valid codes imported, repeats and invalid lines reported',
          actual: `${job.inserted} inserted / ${stored} stored, ${job.duplicates} repeats, ${job.invalid} invalid`,
          target: `${expectedInserted}, ${repeats}, ${invalid}`,
          met: job.status === 'COMPLETED' && job.inserted === expectedInserted && stored === expectedInserted && job.duplicates === repeats && job.invalid === invalid,
        },
      ],
      notes,
    };
  },
};

function* pieces(prefix: string, lines: number, counter: { bytes: number }): Generator<Buffer> {
  for (let start = 1; start <= lines; start += LINES_PER_PIECE) {
    let text = '';
    for (let i = start; i < Math.min(start + LINES_PER_PIECE, lines + 1); i += 1) text += importCsvLine(prefix, i);
    const piece = Buffer.from(text);
    counter.bytes += piece.length;
    yield piece;
  }
}

/** Streams the file to the import (no Content-Length: chunked, as a pipe to curl would). */
async function postImport(baseUrl: string, token: string, bookId: string, lines: number, prefix: string): Promise<{ jobId: string; bytes: number }> {
  const counter = { bytes: 0 };
  const request = http.request(`${baseUrl}/import/books/${bookId}/codes?wait=false`, {
    method: 'POST',
    headers: { 'content-type': 'text/csv', authorization: token },
  });
  const answered = new Promise<{ status: number; body: string }>((resolve, reject) => {
    request.on('response', (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      response.on('error', reject);
    });
    request.on('error', reject);
  });
  await pipeline(Readable.from(pieces(prefix, lines, counter)), request);
  const { status, body } = await answered;
  if (status !== 202) throw new Error(`import answered ${status}: ${body.slice(0, 500)}`);
  return { jobId: (JSON.parse(body) as { jobId: string }).jobId, bytes: counter.bytes };
}

/** What the bench asks of the job: the fields of `JOB`. */
type JobProgress = Pick<CodeJobProgress, 'status' | 'total' | 'processed' | 'inserted' | 'duplicates' | 'invalid' | 'error'>;

async function waitForJob(url: string, token: string, jobId: string, onProgress?: (p: JobProgress) => void): Promise<JobProgress> {
  let lastLog = 0;
  for (;;) {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: token },
      body: JSON.stringify({ query: JOB, variables: { jobId } }),
    });
    const job = ((await response.json()) as { data?: { codeJob: JobProgress } }).data?.codeJob;
    if (!job) throw new Error(`codeJob ${jobId} not found`);
    if (job.status !== 'RUNNING') {
      if (job.status !== 'COMPLETED') throw new Error(`import ${job.status}: ${job.error}`);
      return job;
    }
    if (onProgress && Date.now() - lastLog > 30_000) {
      lastLog = Date.now();
      onProgress(job);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
