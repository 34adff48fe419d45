import http from 'node:http';
import { Prisma } from '@coupons/db';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCampaign, pollUntil, useApiTest } from '../../testing/index.ts';

// EXPORT_MAX_CONCURRENT over real HTTP: N exports stream to clients that do not read, one more
// is refused at once (429 RATE_LIMITED, Retry-After), and a slot comes back when a download ends.

const MAX = 2;
const t = useApiTest({ env: { EXPORT_MAX_CONCURRENT: String(MAX) } });
let bookId: string;

beforeAll(async () => {
  bookId = (await createCampaign(t.server, t.admin, 0)).bookId;
  // ~20 MB of CSV: far more than the socket buffers hold, so an export whose client does not read stays running.
  await t.server.db.prisma.$executeRaw(Prisma.sql`
    INSERT INTO coupon (book_id, code) SELECT ${bookId}::uuid, 'CAP-' || lpad(g::text, 7, '0') FROM generate_series(1, 300000) g`);
}, 60_000);

interface Download {
  status: number;
  headers: http.IncomingHttpHeaders;
  response: http.IncomingMessage;
  request: http.ClientRequest;
}

/** Starts a download and resolves with its status and headers, reading none of its body (a slow client). */
function startDownload(path: string, token = t.admin.token): Promise<Download> {
  return new Promise((resolve, reject) => {
    const request = http.get(`${t.server.baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } }, (response) => {
      resolve({ status: response.statusCode ?? 0, headers: response.headers, response, request });
    });
    request.on('error', reject);
  });
}

async function bodyOf(download: Download): Promise<string> {
  download.response.setEncoding('utf8');
  let text = '';
  for await (const chunk of download.response) text += chunk;
  return text;
}

describe('concurrent CSV exports per API process', () => {
  it(`N = ${MAX} exports stream to clients that do not read; racing N + 1 refuses exactly one with 429 RATE_LIMITED`, async () => {
    const paths = [`/export/books/${bookId}/codes.csv`, `/export/books/${bookId}/redemptions.csv`, `/export/books/${bookId}/codes.csv?state=UNASSIGNED`];
    // Redemptions of an empty book end at once: race only the long ones, then check the cap holds across both routes.
    const raced = await Promise.all([paths[0], paths[2], paths[0]].map((path) => startDownload(path)));
    const statuses = raced.map((d) => d.status).sort();
    expect(statuses).toEqual([200, 200, 429]);
    const refused = raced.find((d) => d.status === 429)!;
    expect(refused.headers['retry-after']).toBe('2');
    const body = JSON.parse(await bodyOf(refused)) as { errors: Array<{ message: string; extensions: { code: string } }> };
    expect(body.errors[0].extensions.code).toBe('RATE_LIMITED');
    expect(body.errors[0].message).toMatch(/Too many CSV exports/);

    // While both slots are held: the other route is refused too, and a caller who may not export still hears 401/403.
    expect((await startDownload(paths[1])).status).toBe(429);
    expect((await startDownload(paths[0], t.user.token)).status).toBe(403);
    expect((await startDownload(paths[0], 'not-a-token')).status).toBe(401);

    // A client that goes away gives its slot back: the next export streams in full.
    const running = raced.filter((d) => d.status === 200);
    running[0].request.destroy();
    const next = (await pollUntil(
      async () => {
        const attempt = await startDownload(paths[0]);
        if (attempt.status === 200) return attempt;
        attempt.request.destroy();
        return undefined;
      },
      (attempt) => attempt !== undefined,
      { what: 'a slot given back' },
    )) as Download;
    // The slow reader that stayed reads to the end too: it was never cut off.
    const [full, other] = await Promise.all([bodyOf(next), bodyOf(running[1])]);
    expect(full.trimEnd().split('\r\n')).toHaveLength(1 + 300_000);
    expect(other.trimEnd().split('\r\n')).toHaveLength(1 + 300_000);

    // Every slot is back once the downloads ended.
    const again = await Promise.all([startDownload(paths[1]), startDownload(paths[1])]);
    expect(again.map((d) => d.status)).toEqual([200, 200]);
    await Promise.all(again.map(bodyOf));
  }, 60_000);
});
