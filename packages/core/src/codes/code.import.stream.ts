import { Transform, type TransformCallback } from 'node:stream';
import { type InfoRecord, type Options, parse } from 'csv-parse';
import { codeProblem, normalizeUploadedCode } from './code.format.ts';

/** At most this many lines per streamed import (the staging table's line numbers are int4, and a book of 20M codes is twice the largest one measured). */
export const IMPORT_MAX_LINES = 20_000_000;
/** A CSV record (one line, quotes included) longer than this is malformed input, not a code: it would otherwise be held whole in memory. */
export const IMPORT_MAX_RECORD_BYTES = 64 * 1024;
/** Bytes of COPY text collected before they are handed to the database connection. */
const COPY_BATCH_CHARS = 256 * 1024;

/** What the staging step counted, line by line, as the file went through. */
export interface ImportLineCounts {
  /** Lines that hold a record (blank lines and a `code` header are not counted). */
  lines: number;
  invalid: number;
}

/**
 * The streaming CSV parser of an import: the same reading as `uploadCodes(csv:)` (first column,
 * or the column named `code` when the first row is that header; blank lines skipped; any line
 * ending), emitting `[line, rawCell]` per record. Only the current record is held, cut off at
 * {@link IMPORT_MAX_RECORD_BYTES}, so memory does not grow with the file.
 */
export function createImportCsvParser(): Transform {
  let column = -1;
  const options: Options = {
    bom: true,
    skip_empty_lines: true,
    record_delimiter: ['\r\n', '\n', '\r'],
    relax_column_count: true,
    max_record_size: IMPORT_MAX_RECORD_BYTES,
    // Typed loosely by csv-parse: a record is a string[], the result the `[line, cell]` pair.
    on_record: ((record: string[], context: InfoRecord): [number, string] | null => {
      if (column < 0) {
        const header = record.findIndex((cell) => cell.trim().toLowerCase() === 'code');
        column = header >= 0 ? header : 0;
        if (header >= 0) return null;
      }
      return [context.lines, record[column] ?? ''];
    }) as Options['on_record'],
  };
  return parse(options);
}

/**
 * Turns `[line, rawCell]` records into rows of PostgreSQL's COPY text format for the staging
 * table `(line, code, problem)`: the code normalised as `uploadCodes` does, and the reason when it
 * is not a valid code (repeats and existing codes are found later, in SQL, since telling them
 * apart here would hold every code of the file in memory). Rows leave in batches of about
 * 256 KB; `onProgress` is awaited every `progressEvery` lines (back-pressure: the file is not
 * read further until it returns) and may throw to stop the import. Refuses more than
 * {@link IMPORT_MAX_LINES} lines.
 */
export class ImportRowEncoder extends Transform {
  readonly counts: ImportLineCounts = { lines: 0, invalid: 0 };
  private batch = '';

  constructor(
    private readonly onProgress: (counts: ImportLineCounts) => Promise<void>,
    private readonly progressEvery = 100_000,
  ) {
    super({ writableObjectMode: true, readableObjectMode: false });
  }

  override _transform(record: [number, string], _encoding: BufferEncoding, callback: TransformCallback): void {
    const [line, raw] = record;
    if (this.counts.lines >= IMPORT_MAX_LINES) {
      callback(new ImportTooLarge());
      return;
    }
    this.counts.lines += 1;
    const code = normalizeUploadedCode(typeof raw === 'string' ? raw : '');
    const problem = codeProblem(code);
    if (problem) {
      this.counts.invalid += 1;
      this.batch += `${line}\t${copyText(reportable(code))}\t${problem}\n`;
    } else {
      // Valid codes are A-Z 0-9 - _ only: nothing to escape.
      this.batch += `${line}\t${code}\t\\N\n`;
    }
    if (this.batch.length >= COPY_BATCH_CHARS) this.flushBatch();
    if (this.counts.lines % this.progressEvery !== 0) {
      callback();
      return;
    }
    this.onProgress({ ...this.counts }).then(() => callback(), callback);
  }

  override _flush(callback: TransformCallback): void {
    this.flushBatch();
    callback();
  }

  private flushBatch(): void {
    if (this.batch.length === 0) return;
    this.push(this.batch);
    this.batch = '';
  }
}

/** Thrown when a file has more than {@link IMPORT_MAX_LINES} lines. */
export class ImportTooLarge extends Error {
  constructor() {
    super(`at most ${IMPORT_MAX_LINES} lines per import`);
    this.name = 'ImportTooLarge';
  }
}

/** Rejected cells are echoed back, but never more than 100 characters of them (as `uploadCodes` does). */
function reportable(code: string): string {
  return code.length > 100 ? `${code.slice(0, 100)}…` : code;
}

/** A value in COPY's text format: backslash, tab and line breaks escaped; NUL, which a text column cannot hold, dropped. */
export function copyText(value: string): string {
  return value.replace(/\0/g, '').replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}
