import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { waitForRunningCodeJobs } from '@coupons/core';
import { beforeEach, describe, expect, it } from 'vitest';
import { createCampaign, graphqlRequest, useApiTest } from '../../testing/index.ts';

// uploadCodes(file: Upload) over real HTTP: GraphQL multipart requests (the spec's operations,
// map and file parts) into the same streamed import as POST /import/books/:bookId/codes.

const t = useApiTest();
let bookId: string;

beforeEach(async () => {
  bookId = (await createCampaign(t.server, t.admin, 0)).bookId;
});

const UPLOAD_FILE = `mutation ($bookId: ID!, $file: Upload, $codes: [String!]) {
  uploadCodes(bookId: $bookId, file: $file, codes: $codes) {
    jobId inserted duplicateCount invalidCount
    duplicates { line code reason }
    invalid { line code reason }
    job { kind status total processed inserted duplicates invalid }
  }
}`;

interface Issue {
  line: number;
  code: string;
  reason: string;
}
interface UploadAnswer {
  data?: {
    uploadCodes: {
      jobId: string;
      inserted: number;
      duplicateCount: number;
      invalidCount: number;
      duplicates: Issue[];
      invalid: Issue[];
      job: { kind: string; status: string; total: number; processed: number; inserted: number; duplicates: number; invalid: number };
    } | null;
  } | null;
  errors?: Array<{ message: string; extensions: { code: string } }>;
}

/** One multipart request as the spec has it: `operations`, then `map`, then the file part `0`. */
async function uploadFile(
  file: string,
  options: { token?: string | null; headers?: Record<string, string>; variables?: Record<string, unknown> } = {},
): Promise<{ status: number; body: UploadAnswer }> {
  const token = options.token === undefined ? t.admin.token : options.token;
  const form = new FormData();
  form.append('operations', JSON.stringify({ query: UPLOAD_FILE, variables: { bookId, file: null, ...options.variables } }));
  form.append('map', JSON.stringify({ 0: ['variables.file'] }));
  form.append('0', new Blob([file], { type: 'text/csv' }), 'codes.csv');
  const response = await fetch(t.server.url, {
    method: 'POST',
    headers: { ...(options.headers ?? { 'apollo-require-preflight': 'true' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: form,
  });
  return { status: response.status, body: (await response.json()) as UploadAnswer };
}

const codesInBook = (id = bookId) => t.server.db.prisma.coupon.count({ where: { bookId: id } });
const uniq = () => Math.random().toString(36).slice(2, 8).toUpperCase();

describe('uploadCodes(file: Upload)', () => {
  it('imports a file and answers its report: duplicates in the file, codes that exist, invalid lines, and the job', async () => {
    const p = `UPF${uniq()}`;
    const existing = `${p}-OLD`;
    expect((await uploadFile(`${existing}\n`)).body.data?.uploadCodes?.inserted).toBe(1);
    const file = ['code', `${p}-A`, `${p.toLowerCase()}-b`, '', `${p}-A`, 'ab', existing, '=cmd|x', `${p}-C`].join('\r\n');
    const { status, body } = await uploadFile(file);
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    const result = body.data!.uploadCodes!;
    expect(result).toMatchObject({ inserted: 3, duplicateCount: 2, invalidCount: 2 });
    // Lines as the file has them (the header is line 1; the blank line is skipped).
    expect(result.duplicates).toEqual([
      { line: 5, code: `${p}-A`, reason: 'DUPLICATE_IN_FILE' },
      { line: 7, code: existing, reason: 'ALREADY_EXISTS' },
    ]);
    expect(result.invalid).toEqual([
      { line: 6, code: 'AB', reason: 'TOO_SHORT' },
      { line: 8, code: '=CMD|X', reason: 'INVALID_CHARACTERS' },
    ]);
    expect(result.job).toEqual({ kind: 'UPLOAD', status: 'COMPLETED', total: 7, processed: 7, inserted: 3, duplicates: 2, invalid: 2 });
    const codes = await t.server.db.prisma.coupon.findMany({ where: { bookId }, select: { code: true }, orderBy: { code: 'asc' } });
    expect(codes.map((c) => c.code)).toEqual([`${p}-A`, `${p}-B`, `${p}-C`, existing].sort());

    // The same full report as the REST import's, by the job id.
    const csv = await fetch(`${t.server.baseUrl}/import/jobs/${result.jobId}/report.csv`, { headers: { authorization: `Bearer ${t.admin.token}` } });
    expect((await csv.text()).trimEnd().split('\r\n')).toEqual([
      'line,code,reason',
      `5,${p}-A,DUPLICATE_IN_FILE`,
      '6,AB,TOO_SHORT',
      `7,${existing},ALREADY_EXISTS`,
      `8,'=CMD|X,INVALID_CHARACTERS`,
    ]);
  });

  it('imports 200,000 lines streamed, the report capped at 10,000 per kind with exact counts', async () => {
    const p = `BIG${uniq()}`;
    // Every 10th line repeats the one before it: 20,000 DUPLICATE_IN_FILE, 180,000 new codes.
    const lines: string[] = [];
    for (let i = 0; i < 200_000; i++) lines.push(i % 10 === 9 ? lines[i - 1] : `${p}-${i.toString().padStart(6, '0')}`);
    const { body } = await uploadFile(`${lines.join('\n')}\n`);
    expect(body.errors).toBeUndefined();
    const result = body.data!.uploadCodes!;
    expect(result).toMatchObject({ inserted: 180_000, duplicateCount: 20_000, invalidCount: 0 });
    expect(result.duplicates).toHaveLength(10_000);
    expect(result.duplicates[0]).toEqual({ line: 10, code: `${p}-000008`, reason: 'DUPLICATE_IN_FILE' });
    expect(result.job).toMatchObject({ status: 'COMPLETED', total: 200_000, processed: 200_000 });
    expect(await codesInBook()).toBe(180_000);
  }, 120_000);

  it('a malformed line mid-file (line 150,001 of 200,000) leaves the book as it was: BAD_USER_INPUT, the job FAILED', async () => {
    const p = `MID${uniq()}`;
    await uploadFile(`${p}-KEEP\n`);
    const spooledBefore = spooledFiles();
    const lines = Array.from({ length: 200_000 }, (_, i) => (i === 150_000 ? `"${p}"broken` : `${p}-${i}`));
    const { status, body } = await uploadFile(`${lines.join('\n')}\n`);
    expect(status).toBe(200);
    expect(body.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(body.errors?.[0].message).toMatch(/malformed CSV/);
    expect(await codesInBook()).toBe(1);
    const job = await t.server.db.prisma.codeJob.findFirst({ where: { bookId }, orderBy: { createdAt: 'desc' }, select: { status: true, inserted: true } });
    expect(job).toEqual({ status: 'FAILED', inserted: 0 });
    // graphql-upload's spool of the file is deleted once the answer is sent.
    await expectSpoolGone(spooledBefore);
  }, 120_000);

  it('a client that goes away mid-file leaves the book as it was', async () => {
    const p = `CUT${uniq()}`;
    const spooledBefore = spooledFiles();
    const boundary = `----cut${uniq()}`;
    const operations = JSON.stringify({ query: UPLOAD_FILE, variables: { bookId, file: null } });
    const head = [
      `--${boundary}\r\nContent-Disposition: form-data; name="operations"\r\n\r\n${operations}\r\n`,
      `--${boundary}\r\nContent-Disposition: form-data; name="map"\r\n\r\n{"0":["variables.file"]}\r\n`,
      `--${boundary}\r\nContent-Disposition: form-data; name="0"; filename="codes.csv"\r\nContent-Type: text/csv\r\n\r\n`,
    ].join('');
    const url = new URL(t.server.url);
    const request = http.request({
      host: url.hostname,
      port: url.port,
      path: url.pathname,
      method: 'POST',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'apollo-require-preflight': 'true', authorization: `Bearer ${t.admin.token}` },
    });
    request.on('error', () => {});
    request.write(head);
    request.write(Array.from({ length: 50_000 }, (_, i) => `${p}-${i}\n`).join(''));
    // The import has started reading the file; then the connection drops before the file ends.
    await waitForJob((job) => job.status === 'RUNNING');
    await new Promise((resolve) => setTimeout(resolve, 300));
    request.destroy();
    await waitForJob((job) => job.status !== 'RUNNING');
    await waitForRunningCodeJobs();
    const job = await latestJob();
    expect(job?.status).toBe('FAILED');
    expect(job?.error).toMatch(/stopped before the whole file arrived/);
    expect(await codesInBook()).toBe(0);
    await expectSpoolGone(spooledBefore);
  }, 60_000);

  it('needs exactly one of codes, csv and file', async () => {
    const both = await uploadFile('BOTH-1\n', { variables: { codes: ['BOTH-2'] } });
    expect(both.body.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(both.body.errors?.[0].message).toMatch(/exactly one of codes, csv and file/);
    const none = await graphqlRequest(t.server, UPLOAD_FILE, { bookId }, t.admin.token);
    expect(none.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(await codesInBook()).toBe(0);
  });

  it('CSRF: a multipart request without apollo-require-preflight or x-apollo-operation-name is refused unread', async () => {
    const refused = await uploadFile(`CSRF-${uniq()}\n`, { headers: {} });
    expect(refused.status).toBe(400);
    expect(refused.body.errors?.[0].message).toMatch(/Cross-Site Request Forgery/);
    expect(refused.body.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    const emptyHeader = await uploadFile(`CSRF-${uniq()}\n`, { headers: { 'apollo-require-preflight': '' } });
    expect(emptyHeader.status).toBe(400);
    expect(await codesInBook()).toBe(0);
    expect(await t.server.db.prisma.codeJob.count({ where: { bookId } })).toBe(0);

    const named = await uploadFile(`CSRF-${uniq()}\n`, { headers: { 'x-apollo-operation-name': 'UploadCodes' } });
    expect(named.body.data?.uploadCodes?.inserted).toBe(1);
  });

  it('is ADMIN only: anonymous UNAUTHENTICATED, a USER FORBIDDEN, an ADMIN API key allowed; an unknown book NOT_FOUND', async () => {
    expect((await uploadFile(`AUTH-${uniq()}\n`, { token: null })).body.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    expect((await uploadFile(`AUTH-${uniq()}\n`, { token: t.user.token })).body.errors?.[0].extensions.code).toBe('FORBIDDEN');
    expect(await codesInBook()).toBe(0);
    const made = await graphqlRequest<{ createApiKey: { secret: string } }>(
      t.server,
      'mutation { createApiKey(input: { name: "file upload", scopes: [ADMIN] }) { secret } }',
      {},
      t.admin.token,
    );
    const viaKey = await uploadFile(`AUTH-${uniq()}\n`, { token: made.data!.createApiKey.secret });
    expect(viaKey.body.data?.uploadCodes?.inserted).toBe(1);
    const unknown = await uploadFile(`AUTH-${uniq()}\n`, { variables: { bookId: '00000000-0000-4000-8000-000000000000' } });
    expect(unknown.body.errors?.[0].extensions.code).toBe('NOT_FOUND');
  });

  it('refuses a malformed multipart request with BAD_USER_INPUT (the spec says what is wrong)', async () => {
    const form = new FormData();
    form.append('operations', JSON.stringify({ query: UPLOAD_FILE, variables: { bookId, file: null } }));
    form.append('map', '{"0": "variables.file"}');
    const response = await fetch(t.server.url, {
      method: 'POST',
      headers: { 'apollo-require-preflight': 'true', authorization: `Bearer ${t.admin.token}` },
      body: form,
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as UploadAnswer;
    expect(body.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(body.errors?.[0].message).toMatch(/map/);
  });

  it.each([
    ['no boundary in the Content-Type', 'multipart/form-data', 'operations'],
    ['a form cut off before its end', 'multipart/form-data; boundary=cut', '--cut\r\nContent-Disposition: form-data; name="operations"\r\n\r\n{"query"'],
    ['a malformed part header', 'multipart/form-data; boundary=bad', '--bad\r\nnot a header\r\n\r\nx\r\n--bad--\r\n'],
  ])('refuses a multipart body it cannot read (%s) with 400 BAD_USER_INPUT, not a 500', async (_, contentType, body) => {
    const response = await fetch(t.server.url, {
      method: 'POST',
      headers: { 'content-type': contentType, 'apollo-require-preflight': 'true', authorization: `Bearer ${t.admin.token}` },
      body,
    });
    const answer = (await response.json()) as UploadAnswer;
    expect({ status: response.status, code: answer.errors?.[0].extensions.code }).toEqual({ status: 400, code: 'BAD_USER_INPUT' });
    expect(answer.errors?.[0].message).toMatch(/^The multipart request could not be read: /);
  });
});

/** graphql-upload's temporary files (fs-capacitor's) in the system's temporary folder. */
function spooledFiles(): Set<string> {
  return new Set(fs.readdirSync(os.tmpdir()).filter((name) => /^capacitor-[0-9a-f]+\.tmp$/.test(name)));
}

async function expectSpoolGone(before: Set<string>): Promise<void> {
  const deadline = Date.now() + 5_000;
  let left = [...spooledFiles()].filter((name) => !before.has(name));
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    left = [...spooledFiles()].filter((name) => !before.has(name));
  }
  expect(left).toEqual([]);
}

async function latestJob() {
  return t.server.db.prisma.codeJob.findFirst({ where: { bookId }, orderBy: { createdAt: 'desc' }, select: { status: true, total: true, error: true } });
}

async function waitForJob(done: (job: { status: string; total: number }) => boolean): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const job = await latestJob();
    if (job && done(job)) return;
    if (Date.now() > deadline) throw new Error(`job did not get there: ${JSON.stringify(job)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
