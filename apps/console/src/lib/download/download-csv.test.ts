import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type DownloadProgress, downloadCsv, isAbortError } from './download-csv';

// The API is stood in for by fetch answering a stream we feed by hand, so the test decides when
// each chunk arrives; what the browser saves is read back from the Blob given to the anchor.

const encoder = new TextEncoder();

interface Feed {
  push(text: string): void;
  end(): void;
}

let saved: { name: string; blob: Blob }[];
let blobs: Map<string, Blob>;

beforeEach(() => {
  saved = [];
  blobs = new Map();
  let n = 0;
  vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
    const url = `blob:test/${++n}`;
    blobs.set(url, blob as Blob);
    return url;
  });
  vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => {});
  vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
    saved.push({ name: this.download, blob: blobs.get(this.href) as Blob });
  });
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

/** fetch answers 200 with a body fed through the returned handle; the request is recorded. */
function streamingApi(): { feed: Feed; requests: Array<{ url: string; init?: RequestInit }> } {
  const requests: Array<{ url: string; init?: RequestInit }> = [];
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
  });
  vi.stubGlobal('fetch', (url: string, init?: RequestInit) => {
    requests.push({ url, init });
    init?.signal?.addEventListener('abort', () => controller.error(new DOMException('The operation was aborted.', 'AbortError')));
    return Promise.resolve(new Response(body, { status: 200, headers: { 'content-type': 'text/csv' } }));
  });
  return { feed: { push: (text) => controller.enqueue(encoder.encode(text)), end: () => controller.close() }, requests };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('downloadCsv', () => {
  it('reports rows and bytes as they arrive, then saves the whole file under its name', async () => {
    const { feed, requests } = streamingApi();
    const seen: DownloadProgress[] = [];
    const done = downloadCsv('https://api.test/export/books/b/codes.csv', 'secret', 'spring-codes.csv', {
      onProgress: (p) => seen.push(p),
      progressIntervalMs: 0,
    });
    feed.push('code,state\r\nA-1,UNASSIGNED\r\n');
    await tick();
    expect(seen.at(-1)).toEqual({ rows: 1, bytes: 28, totalBytes: null });
    feed.push('A-2,ASSIGNED\r\nA-3,');
    await tick();
    expect(seen.at(-1)).toMatchObject({ rows: 2, bytes: 46 });
    feed.push('VOID\r\n');
    feed.end();
    await done;
    expect(seen.at(-1)).toMatchObject({ rows: 3, bytes: 52 });
    expect(saved).toHaveLength(1);
    expect(saved[0].name).toBe('spring-codes.csv');
    expect(await saved[0].blob.text()).toBe('code,state\r\nA-1,UNASSIGNED\r\nA-2,ASSIGNED\r\nA-3,VOID\r\n');
    // The token travels in a header, never in the URL.
    expect(requests[0].url).not.toContain('secret');
    expect(new Headers(requests[0].init?.headers).get('authorization')).toBe('Bearer secret');
  });

  it('a cancel mid-stream rejects with an AbortError and saves nothing', async () => {
    const { feed } = streamingApi();
    const cancel = new AbortController();
    const done = downloadCsv('https://api.test/x.csv', 't', 'x.csv', { signal: cancel.signal });
    feed.push('code\r\nA-1\r\n');
    await tick();
    cancel.abort();
    const failure = await done.catch((error: unknown) => error);
    expect(isAbortError(failure)).toBe(true);
    expect(saved).toEqual([]);
  });

  it('an error answer fails with its status and saves nothing', async () => {
    vi.stubGlobal('fetch', () =>
      Promise.resolve(new Response('{"errors":[{"extensions":{"code":"FORBIDDEN"}}]}', { status: 403, statusText: 'Forbidden' })),
    );
    await expect(downloadCsv('https://api.test/x.csv', 't', 'x.csv')).rejects.toThrow('Export failed (HTTP 403 Forbidden)');
    expect(saved).toEqual([]);
  });
});
