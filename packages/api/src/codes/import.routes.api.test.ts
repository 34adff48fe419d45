import { gzipSync } from 'node:zlib';
import http from 'node:http';
import { type CodeJobProgress, onCodeJobProgress, waitForRunningCodeJobs } from '@coupons/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCampaign, graphqlRequest, useApiTest } from '../../testing/index.ts';

// POST /import/books/:bookId/codes over real HTTP: the report, the full CSV report, auth,
// all-or-nothing on failure, and cancel.

const t = useApiTest();
let bookId: string;

beforeEach(async () => {
  bookId = (await createCampaign(t.server, t.admin, 0)).bookId;
});

interface ImportAnswer {
  jobId: string;
  status: string;
  total: number;
  inserted: number;
  duplicateCount: number;
  invalidCount: number;
  duplicates: Array<{ line: number; code: string; reason: string }>;
  invalid: Array<{ line: number; code: string; reason: string }>;
  reportCsv: string;
  errors?: Array<{ message: string; extensions: { code: string } }>;
}

async function importCsv(body: string, options: { token?: string | null; book?: string; type?: string; query?: string } = {}) {
  const token = options.token === undefined ? t.admin.token : options.token;
  const response = await fetch(`${t.server.baseUrl}/import/books/${options.book ?? bookId}/codes${options.query ?? ''}`, {
    method: 'POST',
    headers: { 'content-type': options.type ?? 'text/csv', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body,
  });
  return { status: response.status, body: (await response.json()) as ImportAnswer };
}

const codesInBook = (id = bookId) => t.server.db.prisma.coupon.count({ where: { bookId: id } });
const uniq = () => Math.random().toString(36).slice(2, 8).toUpperCase();

describe('POST /import/books/:bookId/codes', () => {
  it('inserts the valid codes and reports invalid lines, repeats and existing codes by line, the full report as CSV', async () => {
    const p = `IMP${uniq()}`;
    const existing = `${p}-OLD`;
    expect((await importCsv(`${existing}\n`)).body.inserted).toBe(1);
    const long = `${p}${'X'.repeat(150)}`;
    const file = ['id,code', `1,${p}-A`, `2,${p.toLowerCase()}-b`, '3,', `4,${p}-A`, `5,=cmd|x`, `6,${existing}`, `7,ab`, `8,${long}`, `9,${p}-C`].join('\r\n');
    const answer = await importCsv(file);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ status: 'COMPLETED', total: 9, inserted: 3, duplicateCount: 2, invalidCount: 4 });
    expect(answer.body.duplicates).toEqual([
      { line: 5, code: `${p}-A`, reason: 'DUPLICATE_IN_FILE' },
      { line: 7, code: existing, reason: 'ALREADY_EXISTS' },
    ]);
    expect(answer.body.invalid).toEqual([
      { line: 4, code: '', reason: 'EMPTY' },
      { line: 6, code: '=CMD|X', reason: 'INVALID_CHARACTERS' },
      { line: 8, code: 'AB', reason: 'TOO_SHORT' },
      { line: 9, code: `${long.toUpperCase().slice(0, 100)}…`, reason: 'TOO_LONG' },
    ]);
    const codes = await t.server.db.prisma.coupon.findMany({ where: { bookId }, select: { code: true }, orderBy: { code: 'asc' } });
    expect(codes.map((c) => c.code)).toEqual([`${p}-A`, `${p}-B`, `${p}-C`, existing].sort());

    const csv = await fetch(`${t.server.baseUrl}${answer.body.reportCsv}`, { headers: { authorization: `Bearer ${t.admin.token}` } });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await csv.text()).trimEnd().split('\r\n');
    expect(lines[0]).toBe('line,code,reason');
    // Every issue, by line; a cell that would be a spreadsheet formula is neutralised.
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(['4', '5', '6', '7', '8', '9']);
    expect(lines).toContain(`6,'=CMD|X,INVALID_CHARACTERS`);

    const job = await graphqlRequest<{ codeJob: { status: string; kind: string; inserted: number; total: number; processed: number } }>(
      t.server,
      'query ($id: ID!) { codeJob(jobId: $id) { status kind inserted total processed } }',
      { id: answer.body.jobId },
      t.admin.token,
    );
    expect(job.data?.codeJob).toEqual({ status: 'COMPLETED', kind: 'UPLOAD', inserted: 3, total: 9, processed: 9 });
  });

  it('reports live progress while a large file streams in, ending COMPLETED', async () => {
    const p = `BIG${uniq()}`;
    const seen: CodeJobProgress[] = [];
    const stop = onCodeJobProgress(null, (progress) => {
      if (progress.bookId === bookId) seen.push(progress);
    });
    try {
      const lines = Array.from({ length: 120_000 }, (_, i) => `${p}${i}`);
      const answer = await importCsv(`code\n${lines.join('\n')}\n`);
      expect(answer.body).toMatchObject({ status: 'COMPLETED', total: 120_000, inserted: 120_000, duplicateCount: 0, invalidCount: 0 });
    } finally {
      stop();
    }
    expect(await codesInBook()).toBe(120_000);
    const running = seen.filter((s) => s.status === 'RUNNING');
    // Lines counted as they arrived (a write each 100,000 lines), then merged chunk by chunk (processed only grows).
    expect(running.some((s) => s.total >= 100_000 && s.total < 120_000 && s.processed === 0)).toBe(true);
    expect(running.some((s) => s.total === 120_000 && s.processed > 0 && s.processed < 120_000)).toBe(true);
    const processed = running.map((s) => s.processed);
    expect(processed).toEqual([...processed].sort((a, b) => a - b));
    expect(seen.at(-1)).toMatchObject({ status: 'COMPLETED', processed: 120_000, inserted: 120_000 });
  });

  it('is ADMIN only, by Bearer token, for a raw CSV body; refusals leave the book unchanged', async () => {
    expect((await importCsv('AAA-1\n', { token: null })).status).toBe(401);
    const asUser = await importCsv('AAA-1\n', { token: t.user.token });
    expect(asUser.status).toBe(403);
    expect(asUser.body.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
    expect((await importCsv('AAA-1\n', { token: 'not-a-token' })).status).toBe(401);
    const unknown = await importCsv('AAA-1\n', { book: '00000000-0000-4000-8000-000000000000' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.errors?.[0]?.extensions.code).toBe('NOT_FOUND');
    // A cross-site form cannot be the body (and could not send the Authorization header anyway).
    const form = await importCsv('code=AAA-1', { type: 'application/x-www-form-urlencoded' });
    expect(form.status).toBe(415);
    expect(form.body.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');
    expect(await codesInBook()).toBe(0);
  });

  it('refuses a body it would misread with 415 naming what to send: compressed, or not UTF-8', async () => {
    const send = (headers: Record<string, string>, body: Buffer) =>
      fetch(`${t.server.baseUrl}/import/books/${bookId}/codes`, {
        method: 'POST',
        headers: { authorization: `Bearer ${t.admin.token}`, 'content-type': 'text/csv', ...headers },
        body,
      }).then(async (response) => ({ status: response.status, body: (await response.json()) as ImportAnswer }));
    const gzipped = await send({ 'content-encoding': 'gzip' }, gzipSync('ENC-1\nENC-2\n'));
    expect(gzipped.status).toBe(415);
    expect(gzipped.body.errors?.[0]).toMatchObject({ message: expect.stringMatching(/uncompressed/), extensions: { code: 'BAD_USER_INPUT' } });
    const utf16 = await send({ 'content-type': 'text/csv; charset=utf-16le' }, Buffer.from('ENC-3\nENC-4\n', 'utf16le'));
    expect(utf16.status).toBe(415);
    expect(utf16.body.errors?.[0]?.message).toMatch(/UTF-8: charset utf-16le/);
    const utf8 = await send({ 'content-type': 'text/csv; charset="UTF-8"' }, Buffer.from(`ENC-${uniq()}\n`));
    expect(utf8.status).toBe(200);
    expect(await codesInBook()).toBe(1);
  });

  it('a malformed file fails as a whole: BAD_USER_INPUT, nothing inserted, the job FAILED', async () => {
    const p = `BAD${uniq()}`;
    const lines = Array.from({ length: 1000 }, (_, i) => `${p}${i}`);
    const answer = await importCsv(`${lines.join('\n')}\n"${p}-UNCLOSED\n${p}-AFTER\n`);
    expect(answer.status).toBe(400);
    expect(answer.body.errors?.[0]).toMatchObject({ message: expect.stringContaining('malformed CSV'), extensions: { code: 'BAD_USER_INPUT' } });
    expect(await codesInBook()).toBe(0);
    const job = await t.server.db.prisma.codeJob.findFirstOrThrow({ where: { bookId } });
    expect(job).toMatchObject({ status: 'FAILED', inserted: 0, error: expect.stringContaining('malformed CSV') });
    expect(await t.server.db.prisma.codeJobIssue.count({ where: { jobId: job.id } })).toBe(0);
  });

  it('a client that goes away mid-file leaves the book as it was (the job FAILED)', async () => {
    const p = `CUT${uniq()}`;
    const request = http.request(`${t.server.baseUrl}/import/books/${bookId}/codes`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv', authorization: `Bearer ${t.admin.token}` },
    });
    request.on('error', () => {});
    for (let i = 0; i < 150_000; i += 1) request.write(`${p}${i}\n`);
    const job = await waitFor(() => t.server.db.prisma.codeJob.findFirst({ where: { bookId, total: { gte: 100_000 } } }));
    request.destroy();
    const failed = await waitFor(() => t.server.db.prisma.codeJob.findFirst({ where: { id: job.id, status: 'FAILED' } }));
    expect(failed.error).toMatch(/stopped before the whole file arrived/);
    expect(failed.inserted).toBe(0);
    expect(await codesInBook()).toBe(0);
  });

  it('cancelCodeJob stops an import: CANCELLED, nothing inserted; a finished job cannot be cancelled', async () => {
    const p = `CAN${uniq()}`;
    const answer = new Promise<{ status: number; body: ImportAnswer }>((resolve, reject) => {
      const request = http.request(
        `${t.server.baseUrl}/import/books/${bookId}/codes`,
        { method: 'POST', headers: { 'content-type': 'text/csv', authorization: `Bearer ${t.admin.token}` } },
        (response) => {
          let text = '';
          response.on('data', (chunk) => {
            text += chunk;
          });
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) }));
        },
      );
      request.on('error', reject);
      void (async () => {
        for (let i = 0; i < 150_000; i += 1) request.write(`${p}${i}\n`);
        const job = await waitFor(() => t.server.db.prisma.codeJob.findFirst({ where: { bookId, total: { gte: 100_000 } } }));
        const cancelled = await graphqlRequest<{ cancelCodeJob: { status: string } }>(
          t.server,
          'mutation ($id: ID!) { cancelCodeJob(jobId: $id) { status } }',
          { id: job.id },
          t.admin.token,
        );
        expect(cancelled.data?.cancelCodeJob.status).toBe('CANCELLED');
        for (let i = 150_000; i < 300_000; i += 1) request.write(`${p}${i}\n`);
        request.end();
      })().catch(reject);
    });
    const { status, body } = await answer;
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: 'CANCELLED', inserted: 0, error: 'Cancelled; nothing was inserted' });
    expect(await codesInBook()).toBe(0);

    const done = await importCsv(`${p}-DONE\n`);
    const again = await graphqlRequest(t.server, 'mutation ($id: ID!) { cancelCodeJob(jobId: $id) { status } }', { id: done.body.jobId }, t.admin.token);
    expect(again.errors?.[0]).toMatchObject({ message: expect.stringContaining('COMPLETED'), extensions: { code: 'BAD_USER_INPUT' } });
    expect(await codesInBook()).toBe(1);
    // 300,000 lines streamed: 12 s on a loaded two-core CI machine, against the 30 s default.
  }, 120_000);

  it('cancelCodeJob stops a generation too: CANCELLED, the chunks committed before stay and are counted', async () => {
    const started = await graphqlRequest<{ generateCodes: { jobId: string } }>(
      t.server,
      'mutation ($b: ID!) { generateCodes(bookId: $b, input: { count: 400000, prefix: "CXL", waitForCompletion: false }) { jobId } }',
      { b: bookId },
      t.admin.token,
    );
    const jobId = started.data!.generateCodes.jobId;
    await waitFor(() => t.server.db.prisma.codeJob.findFirst({ where: { id: jobId, inserted: { gt: 0 } } }));
    const cancelled = await graphqlRequest<{ cancelCodeJob: { status: string } }>(t.server, 'mutation ($id: ID!) { cancelCodeJob(jobId: $id) { status } }', { id: jobId }, t.admin.token);
    expect(cancelled.data?.cancelCodeJob.status).toBe('CANCELLED');
    await waitForRunningCodeJobs();
    const job = await t.server.db.prisma.codeJob.findUniqueOrThrow({ where: { id: jobId } });
    expect(job.status).toBe('CANCELLED');
    expect(job.inserted).toBeLessThan(400_000);
    // A chunk in flight at the cancel rolled back (its counter update is guarded by RUNNING).
    expect(await codesInBook()).toBe(job.inserted);
    expect(job.error).toBe(`Cancelled; the ${job.inserted} codes generated before are kept`);
  });

  it('with ?wait=false answers 202 with the job once the file is in, and the report when it ends', async () => {
    const p = `BG${uniq()}`;
    const answer = await importCsv(`${p}-1\n${p}-1\n${p}-2\n`, { query: '?wait=false' });
    expect(answer.status).toBe(202);
    expect(answer.body).toMatchObject({ jobId: expect.any(String), status: 'RUNNING', total: 3 });
    const report = await waitFor(async () => {
      const response = await fetch(`${t.server.baseUrl}/import/jobs/${answer.body.jobId}/report`, { headers: { authorization: `Bearer ${t.admin.token}` } });
      const body = (await response.json()) as ImportAnswer;
      return body.status === 'COMPLETED' ? body : null;
    });
    expect(report).toMatchObject({ inserted: 2, duplicateCount: 1, duplicates: [{ line: 2, code: `${p}-1`, reason: 'DUPLICATE_IN_FILE' }] });
    const asUser = await fetch(`${t.server.baseUrl}/import/jobs/${answer.body.jobId}/report.csv`, { headers: { authorization: `Bearer ${t.user.token}` } });
    expect(asUser.status).toBe(403);
  });
});

afterEach(async () => {
  await t.server.db.prisma.codeJob.deleteMany({ where: { bookId } });
});

async function waitFor<T>(probe: () => Promise<T | null | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
