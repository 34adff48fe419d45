import { describe, expect, it } from 'vitest';
import { createCampaign, graphqlRequest, useApiTest } from '../../testing/index.ts';

// Codes are "3 to 64 characters of A-Z 0-9 - _" (api-guide), and only a-z is upper-cased: a cell
// holding other letters is INVALID_CHARACTERS on every upload path, never a different ASCII code
// (toUpperCase() turns ſ into S, ß into SS, ﬁ into FI, ı into I), and a look-up by such a code
// finds nothing.

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
  uploadCodes(bookId: $bookId, codes: $codes, csv: $csv) { inserted duplicateCount invalidCount invalid { line code reason } }
}`;
const stored = async (bookId: string) =>
  (await t.server.db.prisma.coupon.findMany({ where: { bookId }, select: { code: true }, orderBy: { code: 'asc' } })).map((c) => c.code);

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
    const response = await fetch(`${t.server.baseUrl}/import/books/${bookId}/codes`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv; charset=utf-8', authorization: `Bearer ${t.admin.token}` },
      body: `ſale${p}\n`,
    });
    const body = (await response.json()) as ImportReport;
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
