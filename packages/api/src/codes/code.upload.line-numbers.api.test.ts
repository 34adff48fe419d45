import { describe, expect, it } from 'vitest';
import { createCampaign, graphqlRequest, useApiTest } from '../../testing/index.ts';

// A reported `line` is the physical line a CSV record starts on (code.format.ts), also when a
// quoted cell spans several lines (csv-parse's own count is the line the record ends on).

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
const UPLOAD = `mutation($bookId: ID!, $csv: String) {
  uploadCodes(bookId: $bookId, csv: $csv) { inserted invalid { line code reason } duplicates { line code reason } }
}`;

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
    const response = await fetch(`${t.server.baseUrl}/import/books/${bookId}/codes`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv', authorization: `Bearer ${t.admin.token}` },
      body: `${p}1\n"${p}2\n"\n`,
    });
    // The record "P2\n" starts on line 2; a second file makes it ALREADY_EXISTS, at line 2 again.
    expect(response.status).toBe(200);
    const again = await fetch(`${t.server.baseUrl}/import/books/${bookId}/codes`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv', authorization: `Bearer ${t.admin.token}` },
      body: `X${p}\n"${p}2\n"\n`,
    });
    const body = (await again.json()) as ImportReport;
    expect(body.duplicates).toEqual([{ line: 2, code: `${p}2`, reason: 'ALREADY_EXISTS' }]);
  });
});
