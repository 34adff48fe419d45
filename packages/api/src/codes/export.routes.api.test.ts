import { beforeAll, describe, expect, it } from 'vitest';
import { createCampaign, memoryLogger, useApiTest, useDatabaseOutage } from '../../testing/index.ts';

// The CSV exports answer errors with the API's one error map (server/errors.ts): the same codes,
// masking and Retry-After as /graphql, with the HTTP status of ERROR_ANSWERS.

const log = memoryLogger('debug');
const t = useApiTest({ logger: log.logger });
const outage = useDatabaseOutage(() => t.server);
let bookId: string;

beforeAll(async () => {
  bookId = (await createCampaign(t.server, t.admin, 0)).bookId;
});

interface ErrorBody {
  errors: Array<{ message: string; extensions: Record<string, unknown> }>;
}

async function download(path: string, token?: string, requestId?: string) {
  const response = await fetch(`${t.server.baseUrl}${path}`, {
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(requestId ? { 'x-request-id': requestId } : {}) },
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, body: () => JSON.parse(text) as ErrorBody };
}

const logged = (requestId: string) => log.records().filter((l) => l.requestId === requestId);

describe('CSV export errors', () => {
  it('answers each contract code with its status and the GraphQL-shaped body', async () => {
    const unknown = await download('/export/books/00000000-0000-4000-8000-000000000000/codes.csv', t.admin.token);
    expect(unknown.status).toBe(404);
    expect(unknown.body()).toEqual({ errors: [{ message: expect.stringContaining('not found'), extensions: { code: 'NOT_FOUND' } }] });

    const forbidden = await download(`/export/books/${bookId}/redemptions.csv`, t.user.token);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body().errors[0].extensions.code).toBe('FORBIDDEN');

    const anonymous = await download(`/export/books/${bookId}/codes.csv`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body().errors[0].extensions.code).toBe('UNAUTHENTICATED');

    const malformed = await download('/export/books/not-a-uuid/codes.csv', t.admin.token);
    expect(malformed.status).toBe(400);
    expect(malformed.body().errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('masks an unexpected error as INTERNAL_SERVER_ERROR (500) with the request id, logged once', async () => {
    // Stand-in for a bug: the table the export checks first is gone (no contract answer for that).
    await t.server.db.prisma.$executeRaw`ALTER TABLE book RENAME TO zz_book_away`;
    try {
      const answer = await download(`/export/books/${bookId}/redemptions.csv`, t.admin.token, 'export-bug');
      expect(answer.status).toBe(500);
      expect(answer.headers.get('x-request-id')).toBe('export-bug');
      expect(answer.body()).toEqual({
        errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: 'export-bug' } }],
      });
      expect(answer.text).not.toMatch(/zz_book|book`|relation|42P01|P2021|SELECT|\bat .+:\d+/i);
      // Logged once with the route (besides the access line), so an operator finds it by request id.
      const errorLines = logged('export-bug').filter((l) => l.level === 'error');
      expect(errorLines.map((l) => l.msg)).toEqual(['Unexpected error', 'request failed']);
      expect(errorLines[0]).toMatchObject({ operation: 'GET /export/books/:bookId/redemptions.csv', err: expect.anything() });
    } finally {
      await t.server.db.prisma.$executeRaw`ALTER TABLE zz_book_away RENAME TO book`;
    }
  });

  it('answers 503 SERVICE_UNAVAILABLE with Retry-After while the database is away, and works once it is back', async () => {
    await outage.cut();
    try {
      for (const kind of ['codes', 'redemptions']) {
        const answer = await download(`/export/books/${bookId}/${kind}.csv`, t.admin.token, `export-away-${kind}`);
        expect(answer.status).toBe(503);
        expect(answer.headers.get('retry-after')).toBe('2');
        expect(answer.body()).toEqual({
          errors: [
            {
              message: 'The service is temporarily unavailable; retry in 2 s',
              extensions: { code: 'SERVICE_UNAVAILABLE', retryable: true, retryAfterSeconds: 2 },
            },
          ],
        });
        // An outage is not a bug: nothing logged at error.
        expect(logged(`export-away-${kind}`).filter((l) => l.level === 'error')).toEqual([]);
      }
    } finally {
      await outage.restore();
    }
    const back = await download(`/export/books/${bookId}/codes.csv`, t.admin.token);
    expect(back.status).toBe(200);
    expect(back.text.split('\r\n')[0]).toBe('code,state,assigned_to,assigned_at,redemption_count,created_at');
  });
});

describe('CSV export filters (query parameters, applied in SQL)', () => {
  it('narrows codes by state and holder, redemptions by time; a bad or unknown filter is 400 naming it', async () => {
    const book = (await createCampaign(t.server, t.admin, 0)).bookId;
    await t.server.db.prisma.$executeRaw`
      INSERT INTO coupon (book_id, code) SELECT ${book}::uuid, 'FILTER-' || g FROM generate_series(1, 5) g`;
    await t.server.db.prisma.$executeRaw`
      UPDATE coupon SET state = 'ASSIGNED', assigned_user_id = ${t.user.user.id}::uuid, assigned_at = now() WHERE code IN ('FILTER-1', 'FILTER-2')`;
    const codes = async (query: string) => {
      const answer = await download(`/export/books/${book}/codes.csv?${query}`, t.admin.token);
      expect(answer.status, answer.text).toBe(200);
      return answer.text.trimEnd().split('\r\n').slice(1).map((line) => line.split(',')[0]).sort();
    };
    expect(await codes('state=ASSIGNED')).toEqual(['FILTER-1', 'FILTER-2']);
    expect(await codes(`email=${encodeURIComponent(t.user.email)}&state=ASSIGNED`)).toEqual(['FILTER-1', 'FILTER-2']);
    expect(await codes('state=UNASSIGNED&codePrefix=filter-')).toEqual(['FILTER-3', 'FILTER-4', 'FILTER-5']);
    expect(await codes(`assignedAfter=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).toEqual([]);

    const redemptions = await download(`/export/books/${book}/redemptions.csv?redeemedAfter=2026-01-01T00:00:00Z&reversed=false`, t.admin.token);
    expect(redemptions.status).toBe(200);
    expect(redemptions.text.split('\r\n')[0]).toMatch(/^redemption_id,code,user_email,redeemed_at,/);

    for (const [query, field] of [
      ['state=GONE', 'state'],
      ['assignedAfter=yesterday', 'assignedAfter'],
      ['assignedAfter=%2B010000-01-01T00:00:00Z', 'assignedAfter'],
      ['assignedBefore=-000500-01-01T00:00:00Z', 'assignedBefore'],
      ['colour=red', 'colour'],
      ['state=ASSIGNED&state=VOID', 'state'],
      ["email=x'%20OR%20'1'='1", 'email'],
    ]) {
      const refused = await download(`/export/books/${book}/codes.csv?${query}`, t.admin.token);
      expect(refused.status, query).toBe(400);
      expect(refused.body().errors[0].extensions, query).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    const reversed = await download(`/export/books/${book}/redemptions.csv?reversed=maybe`, t.admin.token);
    expect(reversed.body().errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reversed' });
  });

  it('a client that goes away mid-download ends the export’s statement', async () => {
    const book = (await createCampaign(t.server, t.admin, 0)).bookId;
    await t.server.db.prisma.$executeRaw`
      INSERT INTO coupon (book_id, code) SELECT ${book}::uuid, 'ABORT-' || g || repeat('X', 250) FROM generate_series(1, 100000) g`;
    const copies = async () =>
      (
        await t.server.db.prisma.$queryRaw<Array<{ n: number }>>`
          SELECT count(*)::int AS n FROM pg_stat_activity
           WHERE datname = current_database() AND query LIKE 'COPY (%' AND state <> 'idle'`
      )[0].n;
    const abort = new AbortController();
    const response = await fetch(`${t.server.baseUrl}/export/books/${book}/codes.csv`, {
      headers: { authorization: `Bearer ${t.admin.token}` },
      signal: abort.signal,
    });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    await reader.read();
    expect(await copies()).toBe(1);
    abort.abort();
    await waitFor(async () => (await copies()) === 0);
    // Nothing logged as a failure: a client leaving is not an error.
    expect(log.records().filter((l) => l.msg === 'CSV export failed mid-stream')).toEqual([]);
  });
});

async function waitFor(check: () => Promise<boolean>): Promise<void> {
  for (let waited = 0; waited < 5_000; waited += 25) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('condition not met within 5 s');
}
