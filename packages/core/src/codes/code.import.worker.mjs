// The CSV parsing of a streamed import, in a worker thread of its own (see code.import.stream.ts
// for why). Plain JavaScript, so it runs as is in every way the API is started (tsx, vitest, node).
// The code rules come from the main thread (workerData), from code.format.ts: one source of truth.
import { parentPort, workerData } from 'node:worker_threads';
import { parse } from 'csv-parse';

const { minLength, maxLength, characters, formulaMarker, maxRecordBytes, maxLines, batchBytes } = workerData;
const validCharacters = new RegExp(characters);
/** csv.format.ts's FORMULA_MARKER: the `'` an export puts before `-`, `=`, `+`, `@`, tab or CR. */
const exportMarker = new RegExp(formulaMarker);
/** Room left in a batch for one more row: a cell cut at 100 characters, escaped at most 2×, 4 bytes each. */
const MAX_ROW_BYTES = 1024;

let column = -1;
let lines = 0;
let invalid = 0;
let failure = null;
let batch = Buffer.allocUnsafe(batchBytes);
let used = 0;
let out = [];

function problemOf(code) {
  if (code.length === 0) return 'EMPTY';
  if (code.length < minLength) return 'TOO_SHORT';
  if (code.length > maxLength) return 'TOO_LONG';
  if (!validCharacters.test(code)) return 'INVALID_CHARACTERS';
  return null;
}

/** code.format.ts's normalizeUploadedCode: trimmed, the export's marker dropped, a-z upper-cased (ASCII only: "ſ" stays "ſ"). */
function normalize(raw) {
  return raw
    .trim()
    .replace(exportMarker, '')
    .replace(/[a-z]+/g, (letters) => letters.toUpperCase());
}

// COPY's text format cannot hold a NUL: it is shown as U+FFFD, so the report never shows a
// NUL-bearing line as a different, valid-looking code.
function copyText(value) {
  return value.replace(/\0/g, '\uFFFD').replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

function flushBatch() {
  if (used === 0) return;
  out.push(batch.subarray(0, used));
  batch = Buffer.allocUnsafe(batchBytes);
  used = 0;
}

function encode(line, raw) {
  if (failure) return;
  if (lines >= maxLines) {
    failure = { name: 'ImportTooLarge', message: `at most ${maxLines} lines per import` };
    return;
  }
  lines += 1;
  const code = normalize(typeof raw === 'string' ? raw : '');
  const problem = problemOf(code);
  if (problem) {
    invalid += 1;
    const shown = code.length > 100 ? `${code.slice(0, 100)}…` : code;
    used += batch.write(`${line}\t${copyText(shown)}\t${problem}\n`, used);
  } else {
    // Valid codes are A-Z 0-9 - _ only: nothing to escape.
    used += batch.write(`${line}\t${code}\t\\N\n`, used);
  }
  if (used > batchBytes - MAX_ROW_BYTES) flushBatch();
}

// code.upload.parse.ts's recordStartLines: context.lines is the line a record ends on, and a
// CRLF inside a quoted cell is counted there as two lines.
let countedTwice = 0;
function startLine(record, endLine) {
  let breaks = 0;
  for (const cell of record) {
    if (!/[\r\n]/.test(cell)) continue;
    for (const [lineBreak] of cell.matchAll(/\r\n|\n|\r/g)) {
      breaks += 1;
      if (lineBreak.length === 2) countedTwice += 1;
    }
  }
  return endLine - countedTwice - breaks;
}

const parser = parse({
  bom: true,
  skip_empty_lines: true,
  record_delimiter: ['\r\n', '\n', '\r'],
  relax_column_count: true,
  max_record_size: maxRecordBytes,
  on_record: (record, context) => {
    const line = startLine(record, context.lines);
    if (column < 0) {
      const header = record.findIndex((cell) => cell.trim().toLowerCase() === 'code');
      column = Math.max(header, 0);
      if (header >= 0) return null;
    }
    encode(line, record[column] ?? '');
    return null;
  },
});
parser.on('error', (error) => {
  failure ??= { name: error.name, message: error.message, csv: true };
});
parser.resume();

/** Answers one message: the COPY rows made so far (moved to the main thread, not copied), the counts, or the failure. */
function reply() {
  if (failure) {
    parentPort.postMessage({ failure });
    return;
  }
  let total = 0;
  for (const part of out) total += part.length;
  // An ArrayBuffer of its own (never a pooled one), so it can be transferred.
  const rows = new Uint8Array(total);
  let offset = 0;
  for (const part of out) {
    rows.set(part, offset);
    offset += part.length;
  }
  out = [];
  parentPort.postMessage({ rows, lines, invalid }, [rows.buffer]);
}

parentPort.on('message', (message) => {
  if (message.end) {
    parser.end(() => {
      flushBatch();
      reply();
    });
    return;
  }
  parser.write(Buffer.from(message.chunk.buffer, message.chunk.byteOffset, message.chunk.byteLength), () => reply());
});
