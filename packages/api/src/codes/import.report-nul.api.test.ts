import { describe, expect, it } from 'vitest';
import { createCampaign, useApiTest } from '../../testing/index.ts';

// POST /import: a line "AB\0CD123" is INVALID_CHARACTERS, and the report (JSON and report.csv)
// shows the NUL as U+FFFD ("AB\uFFFDCD123"), never as "ABCD123", a valid-looking code (COPY's
// text format cannot carry a NUL).

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

describe('a NUL in an imported line', () => {
  it('the report does not show a NUL-bearing line as a different, valid-looking code', async () => {
    const { bookId } = await createCampaign(t.server, t.admin, 0);
    const p = Math.random().toString(36).slice(2, 8).toUpperCase();
    const response = await fetch(`${t.server.baseUrl}/import/books/${bookId}/codes`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv', authorization: `Bearer ${t.admin.token}` },
      body: `AB\0CD${p}\n`,
    });
    const body = (await response.json()) as ImportReport;
    expect(body.invalidCount).toBe(1);
    expect(body.invalid[0].reason).toBe('INVALID_CHARACTERS');
    expect(body.invalid[0].code).toBe(`AB\uFFFDCD${p}`);
    const report = await (await fetch(`${t.server.baseUrl}${body.reportCsv}`, { headers: { authorization: `Bearer ${t.admin.token}` } })).text();
    expect(report).toContain(`AB\uFFFDCD${p}`);
    expect(report).not.toContain(`ABCD${p}`);
  });
});
