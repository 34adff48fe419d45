import { describe, expect, it } from 'vitest';
import { createCampaign, graphqlRequest, useApiTest } from '../../testing/index.ts';

// How every upload path (uploadCodes with codes or csv, POST /import) reads a code and reports a
// line: only a-z is upper-cased (toUpperCase() turned ſ into S, ß into SS, ﬁ into FI, ı into I:
// different ASCII codes, stored); the export's formula marker is dropped (codes.csv uploaded again
// reads back the same codes); a record is reported at the line it starts on, also when a quoted
// cell spans lines; a NUL in a refused line is shown as U+FFFD, never dropped (which showed a
// different, valid-looking code).

/** POST /import's answer, as far as these tests read it. */
interface ImportReport {
  inserted: number;
  duplicateCount: number;
  invalidCount: number;
  reportCsv: string;
  duplicates: Array<{ line: number; code: string; reason: string }>;
  invalid: Array<{ line: number; code: string; reason: string }>;
}

const t = useApiTest();
const uniq = () => Math.random().toString(36).slice(2, 8).toUpperCase();
const UPLOAD = `mutation($bookId: ID!, $codes: [String!], $csv: String) {
  uploadCodes(bookId: $bookId, codes: $codes, csv: $csv) {
    inserted duplicateCount invalidCount invalid { line code reason } duplicates { line code reason }
  }
}`;
const stored = async (bookId: string) =>
  (await t.server.db.prisma.coupon.findMany({ where: { bookId }, select: { code: true }, orderBy: { code: 'asc' } })).map((c) => c.code);
const authorized = () => ({ authorization: `Bearer ${t.admin.token}` });

async function importCsv(bookId: string, body: string): Promise<ImportReport> {
  const response = await fetch(`${t.server.baseUrl}/import/books/${bookId}/codes`, {
    method: 'POST',
    headers: { 'content-type': 'text/csv; charset=utf-8', ...authorized() },
    body,
  });
  expect(response.status).toBe(200);
  return (await response.json()) as ImportReport;
}

const exportedCodes = async (bookId: string) =>
  (await fetch(`${t.server.baseUrl}/export/books/${bookId}/codes.csv`, { headers: authorized() })).text();

describe('codes are upper-cased in ASCII only', () => {
  it('uploadCodes(codes:) reports ſ ß ﬁ ı codes as INVALID_CHARACTERS instead of storing S, SS, FI, I codes', async () => {
    const { bookId } = await createCampaign(t.server, t.admin, 0);
    const p = uniq();
    const res = await graphqlRequest<any>(t.server, UPLOAD, { bookId, codes: [`ſ${p}`, `ß${p}`, `ﬁ${p}`, `ı${p}`] }, t.admin.token);
    expect(await stored(bookId)).toEqual([]);
    expect(res.data.uploadCodes).toMatchObject({ inserted: 0, invalidCount: 4 });
  });

  it('uploadCodes(csv:) treats "straße1" and "STRASSE1" as two different lines, not a DUPLICATE_IN_FILE of one another', async () => {
    const { bookId } = await createCampaign(t.server, t.admin, 0);
    const p = uniq();
    const res = await graphqlRequest<any>(t.server, UPLOAD, { bookId, csv: `${p}STRASSE1\n${p}straße1\n` }, t.admin.token);
    expect(res.data.uploadCodes).toMatchObject({ inserted: 1, duplicateCount: 0, invalidCount: 1 });
  });

  it('POST /import reports "ſale" as invalid instead of inserting SALE', async () => {
    const { bookId } = await createCampaign(t.server, t.admin, 0);
    const p = uniq();
    const body = await importCsv(bookId, `ſale${p}\n`);
    expect(await stored(bookId)).toEqual([]);
    expect(body).toMatchObject({ inserted: 0, invalidCount: 1 });
    expect(body.invalid).toEqual([{ line: 1, code: `ſALE${p}`, reason: 'INVALID_CHARACTERS' }]);
  });

  it('a look-up by "ſale…" does not find SALE… (BAD_USER_INPUT), while "sale…" does', async () => {
    const { bookId } = await createCampaign(t.server, t.admin, 0);
    const p = uniq();
    await graphqlRequest<any>(t.server, UPLOAD, { bookId, codes: [`SALE${p}`] }, t.admin.token);
    const COUPON = 'query($c: String!) { coupon(code: $c) { code } }';
    expect((await graphqlRequest<any>(t.server, COUPON, { c: `sale${p}` }, t.admin.token)).data.coupon).toEqual({ code: `SALE${p}` });
    const folded = await graphqlRequest<any>(t.server, COUPON, { c: `ſale${p}` }, t.admin.token);
    expect(folded.data?.coupon ?? null).toBeNull();
    expect(folded.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('codes.csv uploaded again', () => {
  it('re-uploading a codes.csv export reads every code back (a code "-X…" included)', async () => {
    const { bookId } = await createCampaign(t.server, t.admin, 0);
    const p = uniq();
    const first = await graphqlRequest<any>(t.server, UPLOAD, { bookId, codes: [`-${p}`, `${p}-OK`] }, t.admin.token);
    expect(first.data.uploadCodes.inserted).toBe(2);
    const csv = await exportedCodes(bookId);
    expect(csv).toContain(`'-${p}`);
    const again = await graphqlRequest<any>(t.server, UPLOAD, { bookId, csv }, t.admin.token);
    expect(again.data.uploadCodes.invalid).toEqual([]);
    expect(again.data.uploadCodes).toMatchObject({ inserted: 0, duplicateCount: 2, invalidCount: 0 });
  });

  it('POST /import reads the export back the same way', async () => {
    const { bookId } = await createCampaign(t.server, t.admin, 0);
    const p = uniq();
    await graphqlRequest<any>(t.server, UPLOAD, { bookId, codes: [`-${p}`, `${p}-OK`] }, t.admin.token);
    const body = await importCsv(bookId, await exportedCodes(bookId));
    expect(body.invalid).toEqual([]);
    expect(body).toMatchObject({ inserted: 0, duplicateCount: 2, invalidCount: 0 });
    expect(body.duplicates.map((d) => d.code).sort()).toEqual([`-${p}`, `${p}-OK`].sort());
  });
});

describe('line numbers of records with quoted line breaks', () => {
  it('uploadCodes(csv:) reports a record at the line it starts on', async () => {
    const { bookId } = await createCampaign(t.server, t.admin, 0);
    const p = uniq();
    // line 1: P1; lines 2-3: one quoted record "BAD\nCODE"; line 4: P1 again.
    const res = await graphqlRequest<any>(t.server, UPLOAD, { bookId, csv: `${p}1\n"BAD\nCODE"\n${p}1\n` }, t.admin.token);
    expect(res.data.uploadCodes.invalid).toEqual([{ line: 2, code: 'BAD\nCODE', reason: 'INVALID_CHARACTERS' }]);
    expect(res.data.uploadCodes.duplicates).toEqual([{ line: 4, code: `${p}1`, reason: 'DUPLICATE_IN_FILE' }]);
  });

  it('POST /import reports a record at the line it starts on', async () => {
    const { bookId } = await createCampaign(t.server, t.admin, 0);
    const p = uniq();
    await importCsv(bookId, `${p}1\n"${p}2\n"\n`);
    // The record "P2\n" starts on line 2; a second file makes it ALREADY_EXISTS, at line 2 again.
    const body = await importCsv(bookId, `X${p}\n"${p}2\n"\n`);
    expect(body.duplicates).toEqual([{ line: 2, code: `${p}2`, reason: 'ALREADY_EXISTS' }]);
  });
});

describe('a NUL in an imported line', () => {
  it('the report does not show a NUL-bearing line as a different, valid-looking code', async () => {
    const { bookId } = await createCampaign(t.server, t.admin, 0);
    const p = uniq();
    const body = await importCsv(bookId, `AB\0CD${p}\n`);
    expect(body.invalidCount).toBe(1);
    expect(body.invalid[0].reason).toBe('INVALID_CHARACTERS');
    expect(body.invalid[0].code).toBe(`AB\uFFFDCD${p}`);
    const report = await (await fetch(`${t.server.baseUrl}${body.reportCsv}`, { headers: authorized() })).text();
    expect(report).toContain(`AB\uFFFDCD${p}`);
    expect(report).not.toContain(`ABCD${p}`);
  });
});
