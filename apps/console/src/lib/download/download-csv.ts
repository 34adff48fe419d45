/** How much of a download has arrived so far. */
export interface DownloadProgress {
  /** Bytes received. */
  bytes: number;
  /** Data rows received: line ends after the header's (a line break inside a quoted cell counts too). */
  rows: number;
  /** The file's size when the server said it (`Content-Length`); exports stream, so usually null. */
  totalBytes: number | null;
}

export interface DownloadOptions {
  /** Aborting it cancels the download: the promise rejects with an `AbortError` and nothing is saved. */
  signal?: AbortSignal;
  /** Called as bytes arrive (at most every `progressIntervalMs`) and once at the end. */
  onProgress?(progress: DownloadProgress): void;
  /** Default 100 ms: a million-row export arrives in a few thousand chunks; a re-render each would be wasted. */
  progressIntervalMs?: number;
}

const LF = 0x0a;

/**
 * Downloads one of the API's CSV exports. The token goes in the Authorization header of a
 * `fetch` (never in the URL, where it would land in logs and history). The body is read as a
 * stream, so progress (bytes and rows) can be shown while a large export arrives, and the caller
 * can cancel it; the chunks then become a Blob that the browser saves under the given file name.
 */
export async function downloadCsv(url: string, token: string, fileName: string, options: DownloadOptions = {}): Promise<void> {
  const { signal, onProgress, progressIntervalMs = 100 } = options;
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` }, signal });
  if (!response.ok) {
    throw new Error(`Export failed (HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''})`);
  }
  const length = Number(response.headers.get('content-length'));
  const progress: DownloadProgress = { bytes: 0, rows: 0, totalBytes: Number.isFinite(length) && length > 0 ? length : null };
  const chunks: Uint8Array[] = [];
  let lineEnds = 0;
  let reported = 0;
  if (response.body) {
    const reader = response.body.getReader();
    // A cancel while waiting for a chunk: fetch rejects the pending read with the AbortError.
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      progress.bytes += value.length;
      lineEnds += countLineEnds(value);
      progress.rows = Math.max(0, lineEnds - 1);
      const now = Date.now();
      if (onProgress && now - reported >= progressIntervalMs) {
        reported = now;
        onProgress({ ...progress });
      }
    }
  }
  signal?.throwIfAborted();
  onProgress?.({ ...progress });
  saveBlob(new Blob(chunks as BlobPart[], { type: 'text/csv;charset=utf-8' }), fileName);
}

function countLineEnds(chunk: Uint8Array): number {
  let n = 0;
  for (let at = chunk.indexOf(LF); at >= 0; at = chunk.indexOf(LF, at + 1)) n++;
  return n;
}

/** Hands a Blob to the browser as a download named `fileName`. */
function saveBlob(blob: Blob, fileName: string): void {
  const objectUrl = URL.createObjectURL(blob);
  try {
    const anchor = document.createElement('a');
    anchor.href = objectUrl;
    anchor.download = fileName;
    anchor.rel = 'noopener';
    document.body.append(anchor);
    anchor.click();
    anchor.remove();
  } finally {
    // Give the browser a moment to start the download before the URL is revoked.
    setTimeout(() => URL.revokeObjectURL(objectUrl), 10_000);
  }
}

/** Whether `error` is the rejection of a download cancelled through its signal. */
export function isAbortError(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}
