import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { createCampaign, pollUntil, useApiTest } from '../../testing/index.ts';

// A client that sends part of a body and then nothing more is cut after
// REQUEST_BODY_IDLE_TIMEOUT_MS (here 400 ms) with 408 BAD_USER_INPUT, instead of holding its
// socket for the hour a whole request may take; a slow but steady body is not.

const IDLE_MS = 400;
const t = useApiTest({ env: { REQUEST_BODY_IDLE_TIMEOUT_MS: String(IDLE_MS) } });

/** Sends `head`, then `pieces` one every `everyMs`, and resolves with all the server wrote once it closes (or after 10 s). */
function rawRequest(head: string, pieces: string[], everyMs: number): Promise<{ text: string; closedAfterMs: number }> {
  const { hostname, port } = new URL(t.server.url);
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = net.connect(Number(port), hostname);
    let text = '';
    const timer = setTimeout(() => socket.destroy(), 10_000);
    socket.on('data', (data) => {
      text += String(data);
    });
    socket.on('error', reject);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ text, closedAfterMs: Date.now() - started });
    });
    socket.on('connect', async () => {
      socket.write(head);
      for (const piece of pieces) {
        await new Promise((r) => setTimeout(r, everyMs));
        if (!socket.destroyed) socket.write(piece);
      }
    });
  });
}

const body = JSON.stringify({ query: '{ __typename }' });
const head = (length: number) =>
  `POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\nConnection: close\r\n\r\n`;

describe('a request body that stops arriving', () => {
  it('is answered 408 BAD_USER_INPUT and its connection closed, after the idle time', async () => {
    const { text, closedAfterMs } = await rawRequest(head(body.length + 100) + body.slice(0, 10), [], 0);
    expect(text).toMatch(/^HTTP\/1\.1 408 /);
    const answer = JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4));
    expect(answer.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(answer.errors[0].message).toMatch(/stopped arriving/);
    expect(closedAfterMs).toBeGreaterThanOrEqual(IDLE_MS - 50);
    expect(closedAfterMs).toBeLessThan(8_000);
  });

  it('is not cut while it keeps coming, even when the whole takes longer than the idle time', async () => {
    const pieces = body.match(/.{1,3}/g) ?? [];
    const { text, closedAfterMs } = await rawRequest(head(body.length), pieces, 100);
    expect(closedAfterMs).toBeGreaterThan(IDLE_MS * 2);
    expect(text).toMatch(/^HTTP\/1\.1 200 /);
    expect(text).toContain('"__typename":"Query"');
  });

  it('cuts a stalled streamed import: the import rolls back, its job FAILED, nothing inserted', async () => {
    const { bookId } = await createCampaign(t.server, t.admin, 0);
    const imported = `POST /import/books/${bookId}/codes HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${t.admin.token}\r\nContent-Type: text/csv\r\nContent-Length: 1000\r\nConnection: close\r\n\r\nCODE-1\nCODE-2\n`;
    const { text } = await rawRequest(imported, [], 0);
    expect(text).toMatch(/^HTTP\/1\.1 408 /);
    const job = await pollUntil(
      () => t.server.db.prisma.codeJob.findFirst({ where: { bookId }, select: { status: true, inserted: true } }),
      (found) => found?.status !== 'RUNNING' && found !== null,
    );
    expect(job).toEqual({ status: 'FAILED', inserted: 0 });
    expect(await t.server.db.prisma.coupon.count({ where: { bookId } })).toBe(0);
  });
});
