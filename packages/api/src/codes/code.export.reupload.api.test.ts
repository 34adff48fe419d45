import { describe, expect, it } from 'vitest';
import { createCampaign, graphqlRequest, useApiTest } from '../../testing/index.ts';

// Export then re-upload: every exported code reads back as the same code (here: ALREADY_EXISTS,
// since the codes are in the book), also a code starting with "-", which codes.csv writes as
// "'-…" (the formula guard): the upload drops that one marker.

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

describe('codes.csv uploaded again', () => {
  it('re-uploading a codes.csv export reads every code back (a code "-X…" included)', async () => {
    const { bookId } = await createCampaign(t.server, t.admin, 0);
    const p = uniq();
    const first = await graphqlRequest<any>(t.server, UPLOAD, { bookId, codes: [`-${p}`, `${p}-OK`] }, t.admin.token);
    expect(first.data.uploadCodes.inserted).toBe(2);
    const csv = await (await fetch(`${t.server.baseUrl}/export/books/${bookId}/codes.csv`, { headers: { authorization: `Bearer ${t.admin.token}` } })).text();
    expect(csv).toContain(`'-${p}`);
    const again = await graphqlRequest<any>(t.server, UPLOAD, { bookId, csv }, t.admin.token);
    expect(again.data.uploadCodes.invalid).toEqual([]);
    expect(again.data.uploadCodes).toMatchObject({ inserted: 0, duplicateCount: 2, invalidCount: 0 });
  });

  it('POST /import reads the export back the same way', async () => {
    const { bookId } = await createCampaign(t.server, t.admin, 0);
    const p = uniq();
    await graphqlRequest<any>(t.server, UPLOAD, { bookId, codes: [`-${p}`, `${p}-OK`] }, t.admin.token);
    const csv = await (await fetch(`${t.server.baseUrl}/export/books/${bookId}/codes.csv`, { headers: { authorization: `Bearer ${t.admin.token}` } })).text();
    const response = await fetch(`${t.server.baseUrl}/import/books/${bookId}/codes`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv', authorization: `Bearer ${t.admin.token}` },
      body: csv,
    });
    const body = (await response.json()) as ImportReport;
    expect(body.invalid).toEqual([]);
    expect(body).toMatchObject({ inserted: 0, duplicateCount: 2, invalidCount: 0 });
    expect(body.duplicates.map((d) => d.code).sort()).toEqual([`-${p}`, `${p}-OK`].sort());
  });
});
