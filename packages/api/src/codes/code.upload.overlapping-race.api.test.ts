import { describe, expect, it } from 'vitest';
import { createCampaign, graphqlRequest, useApiTest } from '../../testing/index.ts';

// uploadCodes(codes:), uploadCodes(csv:) and POST /import into two books at once, with codes that
// overlap across all four uploads: codes are unique across books, so each code lands once, and
// each answer counts as inserted exactly the codes it stored (the rest are its duplicates).

const t = useApiTest();
const UPLOAD = `mutation($bookId: ID!, $codes: [String!], $csv: String) {
  uploadCodes(bookId: $bookId, codes: $codes, csv: $csv) { inserted duplicateCount invalidCount duplicates { line code reason } }
}`;
const newBook = async () => (await createCampaign(t.server, t.admin, 0)).bookId;

describe('racing uploads of overlapping codes', () => {
  it('every code stored once, and each answer claims exactly the codes it stored', async () => {
    const p = `R${Math.random().toString(36).slice(2, 7).toUpperCase()}`;
    const all = Array.from({ length: 6000 }, (_, i) => `${p}${String(i).padStart(5, '0')}`);
    const b1 = await newBook();
    const b2 = await newBook();
    const sets = [all.slice(0, 4000), all.slice(2000, 6000), all.slice(1000, 5000), all.filter((_, i) => i % 2 === 0)];
    const books = [b1, b2, b2, b1];
    const results = await Promise.all(
      sets.map(async (codes, i) => {
        if (i < 2) {
          const r = await graphqlRequest<any>(t.server, UPLOAD, { bookId: books[i], codes: i === 0 ? codes : undefined, csv: i === 1 ? codes.join('\r\n') : undefined }, t.admin.token);
          if (r.errors) throw new Error(JSON.stringify(r.errors));
          return r.data.uploadCodes;
        }
        const res = await fetch(`${t.server.baseUrl}/import/books/${books[i]}/codes`, {
          method: 'POST',
          headers: { 'content-type': 'text/csv', authorization: `Bearer ${t.admin.token}` },
          body: codes.join('\n'),
        });
        const body = await res.json();
        if (res.status !== 200) throw new Error(JSON.stringify(body));
        return body;
      }),
    );
    const stored = await t.server.db.prisma.coupon.findMany({ where: { code: { startsWith: p } }, select: { code: true, bookId: true } });
    expect(stored.length).toBe(all.length);
    expect(results.reduce((s, r) => s + r.inserted, 0)).toBe(all.length);
    const owner = new Map(stored.map((c) => [c.code, c.bookId]));
    results.forEach((r, i) => {
      expect(r.inserted + r.duplicateCount + r.invalidCount).toBe(sets[i].length);
      const dup = new Set(r.duplicates.map((d: any) => d.code));
      for (const code of sets[i]) if (!dup.has(code)) expect(owner.get(code)).toBe(books[i]);
    });
  }, 60_000);
});
