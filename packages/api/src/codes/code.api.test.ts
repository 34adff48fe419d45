import { Prisma } from '@coupons/db';
import { describe, expect, it } from 'vitest';
import { errorCode, graphqlRequest, useApiTest } from '../../testing/index.ts';

const t = useApiTest();

async function newBook(): Promise<string> {
  const res = await graphqlRequest<{ createBook: { id: string } }>(
    t.server,
    `mutation { createBook(input: { name: "Codes", discountType: PERCENTAGE, discountValue: 10 }) { id } }`,
    {},
    t.admin.token,
  );
  return res.data!.createBook.id;
}

const UPLOAD = `mutation($bookId: ID!, $codes: [String!], $csv: String) {
  uploadCodes(bookId: $bookId, codes: $codes, csv: $csv) {
    jobId inserted duplicateCount invalidCount
    duplicates { line code reason } invalid { line code reason }
  }
}`;

const GENERATE = `mutation($bookId: ID!, $input: GenerateCodesInput!) {
  generateCodes(bookId: $bookId, input: $input) { jobId status requested generated }
}`;

describe('uploadCodes / generateCodes over HTTP', () => {
  it('uploads a list and a CSV with a per-line report', async () => {
    const bookId = await newBook();
    const list = await graphqlRequest(t.server, UPLOAD, { bookId, codes: ['api-1', 'API-1', 'no'] }, t.admin.token);
    expect(list.data!.uploadCodes).toMatchObject({
      inserted: 1,
      duplicates: [{ line: 2, code: 'API-1', reason: 'DUPLICATE_IN_FILE' }],
      invalid: [{ line: 3, code: 'NO', reason: 'TOO_SHORT' }],
      duplicateCount: 1,
      invalidCount: 1,
    });
    const csv = await graphqlRequest(t.server, UPLOAD, { bookId, csv: 'code\napi-1\napi-2\n' }, t.admin.token);
    expect(csv.data!.uploadCodes).toMatchObject({ inserted: 1, duplicates: [{ line: 2, code: 'API-1', reason: 'ALREADY_EXISTS' }] });
    const job = await graphqlRequest(
      t.server,
      `query($id: ID!) { codeJob(jobId: $id) { kind status total inserted duplicates } }`,
      { id: csv.data!.uploadCodes.jobId },
      t.admin.token,
    );
    expect(job.data!.codeJob).toEqual({ kind: 'UPLOAD', status: 'COMPLETED', total: 2, inserted: 1, duplicates: 1 });
  });

  it('generates codes, synchronously or in the background', async () => {
    const bookId = await newBook();
    const done = await graphqlRequest(t.server, GENERATE, { bookId, input: { count: 500, prefix: 'gen-', checkCharacter: true } }, t.admin.token);
    expect(done.data!.generateCodes).toMatchObject({ status: 'COMPLETED', requested: 500, generated: 500 });
    const background = await graphqlRequest(t.server, GENERATE, { bookId, input: { count: 300, waitForCompletion: false } }, t.admin.token);
    expect(background.data!.generateCodes).toMatchObject({ status: 'RUNNING', generated: 0 });
    const jobId = background.data!.generateCodes.jobId;
    let status = 'RUNNING';
    for (let i = 0; i < 100 && status === 'RUNNING'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      const job = await graphqlRequest(t.server, `query($id: ID!) { codeJob(jobId: $id) { status inserted } }`, { id: jobId }, t.admin.token);
      status = job.data!.codeJob.status;
    }
    expect(status).toBe('COMPLETED');
    const counts = await graphqlRequest(t.server, `query($id: ID!) { book(id: $id) { counts { total unassigned } } }`, { id: bookId }, t.admin.token);
    expect(counts.data!.book.counts).toEqual({ total: 800, unassigned: 800 });
  });

  it('errors: FORBIDDEN for USER, NOT_FOUND, BAD_USER_INPUT naming the field', async () => {
    const bookId = await newBook();
    expect(errorCode(await graphqlRequest(t.server, UPLOAD, { bookId, codes: ['ABCD'] }, t.user.token))).toBe('FORBIDDEN');
    expect(errorCode(await graphqlRequest(t.server, GENERATE, { bookId, input: { count: 1 } }, t.user.token))).toBe('FORBIDDEN');
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect(errorCode(await graphqlRequest(t.server, UPLOAD, { bookId: unknown, codes: ['ABCD'] }, t.admin.token))).toBe('NOT_FOUND');
    const small = await graphqlRequest(t.server, GENERATE, { bookId, input: { count: 1000, length: 2 } }, t.admin.token);
    expect(small.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'length' });
    const both = await graphqlRequest(t.server, UPLOAD, { bookId, codes: ['ABCD'], csv: 'ABCD' }, t.admin.token);
    expect(errorCode(both)).toBe('BAD_USER_INPUT');
  });
});

describe('CSV export', () => {
  const download = (path: string, token?: string) =>
    fetch(`${t.server.baseUrl}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  it('streams a book’s codes as CSV for an ADMIN, injection-safe', async () => {
    const bookId = await newBook();
    await graphqlRequest(t.server, UPLOAD, { bookId, codes: ['-EVIL', 'SAFE-1'] }, t.admin.token);
    await t.server.db.prisma.$executeRaw(Prisma.sql`
      INSERT INTO coupon (book_id, code) SELECT ${bookId}::uuid, 'BULK-' || g FROM generate_series(1, 12000) g`);
    const res = await download(`/export/books/${bookId}/codes.csv`, t.admin.token);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toContain(`book-${bookId}-codes.csv`);
    const lines = (await res.text()).trimEnd().split('\r\n');
    expect(lines[0]).toBe('code,state,assigned_to,assigned_at,redemption_count,created_at');
    expect(lines).toHaveLength(1 + 12_002);
    expect(lines.some((l) => l.startsWith("'-EVIL,UNASSIGNED"))).toBe(true);
    expect(lines.some((l) => l.startsWith('SAFE-1,UNASSIGNED,,,0,'))).toBe(true);
  });

  it('exports redemptions', async () => {
    const bookId = await newBook();
    await graphqlRequest(t.server, UPLOAD, { bookId, codes: ['RED-1'] }, t.admin.token);
    await t.server.db.prisma.$executeRaw(Prisma.sql`
      WITH c AS (UPDATE coupon SET state = 'REDEEMED', assigned_user_id = ${t.user.user.id}::uuid, redemption_count = 1
                 WHERE code = 'RED-1' RETURNING id, book_id)
      INSERT INTO redemption (id, coupon_id, book_id, user_id, metadata)
      SELECT gen_random_uuid(), id, book_id, ${t.user.user.id}::uuid, '{"order":"=HYPERLINK(1)"}'::jsonb FROM c`);
    const res = await download(`/export/books/${bookId}/redemptions.csv`, t.admin.token);
    expect(res.status).toBe(200);
    const lines = (await res.text()).trimEnd().split('\r\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(`RED-1,${t.user.email}`);
    // jsonb's text (PostgreSQL writes the cells): a space after the colon, where JSON.stringify wrote none.
    expect(lines[1]).toContain('"{""order"": ""=HYPERLINK(1)""}"');
  });

  it('refuses without a token (401), for a USER (403), an unknown book (404), a bad id (400)', async () => {
    const bookId = await newBook();
    const path = `/export/books/${bookId}/codes.csv`;
    const anonymous = await download(path);
    expect(anonymous.status).toBe(401);
    const body = (await anonymous.json()) as { errors: Array<{ extensions: { code: string } }> };
    expect(body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect((await download(path, t.user.token)).status).toBe(403);
    expect((await download(path, 'not-a-token')).status).toBe(401);
    expect((await download('/export/books/00000000-0000-4000-8000-000000000000/codes.csv', t.admin.token)).status).toBe(404);
    expect((await download('/export/books/nope/redemptions.csv', t.admin.token)).status).toBe(400);
  });
});
