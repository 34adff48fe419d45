/** What `POST /import/books/:bookId/codes?wait=false` answers once the whole file is in (202). */
export interface StagedImport {
  jobId: string;
  status: string;
  total: number;
  reportCsv: string;
}

/** An upload in flight: its outcome, and a way to stop it. */
export interface FileImport {
  done: Promise<StagedImport>;
  abort(): void;
}

/** An import the API refused, with its contract code (from the GraphQL-shaped error body). */
export class ImportRequestError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'ImportRequestError';
  }
}

/**
 * Streams a file of any size to the API's import endpoint with XMLHttpRequest, whose upload
 * progress events (unlike fetch's) say how many bytes have left the browser. The file is sent as
 * it is (the browser reads it from disk as it goes; it is never loaded into the page), with the
 * session's token in the Authorization header. `?wait=false`: the answer comes once the whole
 * file is staged, and the job goes on (follow it with `codeJob`).
 */
export function importFile(
  url: string,
  token: string,
  file: Blob,
  onProgress: (sent: number, total: number) => void,
): FileImport {
  const xhr = new XMLHttpRequest();
  const done = new Promise<StagedImport>((resolve, reject) => {
    xhr.open('POST', url);
    xhr.setRequestHeader('authorization', `Bearer ${token}`);
    xhr.setRequestHeader('content-type', 'text/csv');
    xhr.responseType = 'text';
    xhr.upload.onprogress = (event) => onProgress(event.loaded, event.lengthComputable ? event.total : file.size);
    xhr.onload = () => {
      const body = parse(xhr.responseText);
      if (xhr.status === 202 && body && typeof body.jobId === 'string') {
        resolve(body as unknown as StagedImport);
        return;
      }
      const first = (body?.errors as Array<{ message?: string; extensions?: { code?: string } }> | undefined)?.[0];
      reject(new ImportRequestError(first?.message ?? `The upload was refused (HTTP ${xhr.status})`, first?.extensions?.code ?? `HTTP_${xhr.status}`, xhr.status));
    };
    xhr.onerror = () => reject(new ImportRequestError('The connection to the API failed during the upload', 'NETWORK_ERROR', 0));
    xhr.onabort = () => reject(new ImportRequestError('Upload cancelled', 'CANCELLED', 0));
    xhr.send(file);
  });
  return { done, abort: () => xhr.abort() };
}

function parse(text: string): Record<string, unknown> | null {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return null;
  }
}

/** The pasted text as a list of codes: one per line (commas and semicolons separate too); blank entries dropped. */
export function pastedCodes(text: string): string[] {
  return text
    .split(/[\r\n,;]+/)
    .map((code) => code.trim())
    .filter((code) => code.length > 0);
}

/** A size for people: B, KB, MB or GB (1024-based, one decimal above bytes). */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}
