import { Transform, type TransformCallback } from 'node:stream';
import { Worker } from 'node:worker_threads';
import { CODE_CHARACTERS, CODE_MAX_LENGTH, CODE_MIN_LENGTH } from './code.format.ts';
import { FORMULA_MARKER } from './csv.format.ts';

/** At most this many lines per streamed import (the staging table's line numbers are int4, and a book of 20M codes is twice the largest one measured). */
export const IMPORT_MAX_LINES = 20_000_000;
/** A CSV record (one line, quotes included) longer than this is malformed input, not a code: it would otherwise be held whole in memory. */
export const IMPORT_MAX_RECORD_BYTES = 64 * 1024;
/** Bytes of COPY text collected before they are handed to the database connection. */
const COPY_BATCH_BYTES = 64 * 1024;

/** What the staging step counted, line by line, as the file went through. */
export interface ImportLineCounts {
  /** Lines that hold a record (blank lines and a `code` header are not counted). */
  lines: number;
  invalid: number;
}

/** Limits of the parsing worker's own heap: small, so its garbage is collected often and its memory stays flat. */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 64 };

interface WorkerReply {
  rows?: Uint8Array;
  lines?: number;
  invalid?: number;
  failure?: { name: string; message: string; csv?: boolean };
}

/**
 * The import's stream stage between the request body and `COPY … FROM STDIN`: body bytes in,
 * rows of PostgreSQL's COPY text format for the staging table `(line, code, problem)` out. The
 * CSV is parsed by csv-parse's stream parser in a worker thread (`code.import.worker.mjs`): each
 * body chunk is moved there, and its rows come back, one chunk at a time (back-pressure all the
 * way from the database to the socket). The reading is `uploadCodes(csv:)`'s (first column, or
 * the column named `code` when the first row is that header; blank lines skipped; any line
 * ending); each code is normalised and checked with `code.format.ts`'s rules, the reason stored
 * when it is not valid (repeats and existing codes are found later, in SQL: telling them apart
 * here would hold every code of the file in memory).
 *
 * Why a worker: parsing allocates a few hundred bytes per line, and in the API's heap that
 * garbage made the old generation grow by ~100 MB between full collections on a 1M-line file
 * (measured, RSS), whatever the stream stages held. In a worker with a small heap of its own
 * ({@link WORKER_LIMITS}) it is collected early, and the parsing's CPU stays off the event loop
 * that serves GraphQL. Only bytes (outside any JS heap) cross between the threads.
 *
 * `onProgress` is awaited every `progressEvery` lines and may throw to stop the import. Fails
 * with {@link ImportCsvError} for a malformed file, {@link ImportTooLarge} past {@link IMPORT_MAX_LINES}.
 */
export class ImportRowEncoder extends Transform {
  readonly counts: ImportLineCounts = { lines: 0, invalid: 0 };
  private readonly worker: Worker;
  private pending: { resolve(reply: WorkerReply): void; reject(error: Error): void } | null = null;

  constructor(
    private readonly onProgress: (counts: ImportLineCounts) => Promise<void>,
    private readonly progressEvery = 100_000,
  ) {
    super();
    this.worker = new Worker(new URL('./code.import.worker.mjs', import.meta.url), {
      workerData: {
        minLength: CODE_MIN_LENGTH,
        maxLength: CODE_MAX_LENGTH,
        characters: CODE_CHARACTERS.source,
        formulaMarker: FORMULA_MARKER.source,
        maxRecordBytes: IMPORT_MAX_RECORD_BYTES,
        maxLines: IMPORT_MAX_LINES,
        batchBytes: COPY_BATCH_BYTES,
      },
      resourceLimits: WORKER_LIMITS,
      // Plain JavaScript: none of the process's loaders or preloads (tsx, test hooks) are wanted there.
      execArgv: [],
    });
    this.worker.on('message', (reply: WorkerReply) => this.settle((p) => p.resolve(reply)));
    this.worker.on('error', (error) => this.settle((p) => p.reject(error)));
    this.worker.on('exit', () => this.settle((p) => p.reject(new Error('the CSV worker stopped'))));
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    // A copy with an ArrayBuffer of its own (the socket's may be shared): moved, not cloned.
    const own = new Uint8Array(chunk);
    this.ask({ chunk: own }, [own.buffer]).then(() => callback(), callback);
  }

  override _flush(callback: TransformCallback): void {
    this.ask({ end: true }, []).then(() => callback(), callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    void this.worker.terminate();
    callback(error);
  }

  private settle(action: (pending: NonNullable<ImportRowEncoder['pending']>) => void): void {
    const pending = this.pending;
    this.pending = null;
    if (pending) action(pending);
  }

  private async ask(message: object, transfer: ArrayBuffer[]): Promise<void> {
    const reply = await new Promise<WorkerReply>((resolve, reject) => {
      this.pending = { resolve, reject };
      this.worker.postMessage(message, transfer);
    });
    if (reply.failure) {
      throw reply.failure.name === 'ImportTooLarge' ? new ImportTooLarge() : new ImportCsvError(reply.failure.message);
    }
    const before = this.counts.lines;
    this.counts.lines = reply.lines ?? before;
    this.counts.invalid = reply.invalid ?? this.counts.invalid;
    if (reply.rows && reply.rows.byteLength > 0) this.push(Buffer.from(reply.rows.buffer, reply.rows.byteOffset, reply.rows.byteLength));
    if (Math.floor(this.counts.lines / this.progressEvery) > Math.floor(before / this.progressEvery)) await this.onProgress({ ...this.counts });
  }
}

/** The file is not a CSV the import can read (csv-parse's message). */
export class ImportCsvError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportCsvError';
  }
}

/** Thrown when a file has more than {@link IMPORT_MAX_LINES} lines. */
export class ImportTooLarge extends Error {
  constructor() {
    super(`at most ${IMPORT_MAX_LINES} lines per import`);
    this.name = 'ImportTooLarge';
  }
}
