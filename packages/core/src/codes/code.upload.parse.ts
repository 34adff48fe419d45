import { CsvError, parse } from 'csv-parse/sync';
import { badInput } from '../shared/errors.ts';
import { type CodeLineIssue, codeProblem, normalizeUploadedCode } from './code.format.ts';

/** At most this many lines (codes) per upload. */
export const UPLOAD_MAX_LINES = 1_000_000;
/** At most this many characters of CSV per upload (about 64 codes of 64 characters per KiB). */
export const UPLOAD_MAX_CSV_CHARS = 64 * 1024 * 1024;
/** Each issue list of the result is cut at this length (the counts stay exact). */
export const MAX_REPORTED_ISSUES = 10_000;

/** One input line: its 1-based line number and the raw cell. */
export interface UploadLine {
  line: number;
  raw: string;
}

/** The valid, distinct codes of an upload with the line each first appeared on, plus the rejects. */
export interface ClassifiedUpload {
  /** Distinct valid codes → first line number. */
  valid: Map<string, number>;
  invalid: CodeLineIssue[];
  duplicatesInFile: CodeLineIssue[];
  lineCount: number;
}

/**
 * Reads the upload's lines: either the `codes` list (line = position, from 1) or a CSV whose
 * first column holds the codes, or the column named `code` when the first row is a header
 * (a first row with a cell "code", any case). Blank CSV lines are skipped. BAD_USER_INPUT when
 * both or neither are given, when the input is too large, or when the CSV is malformed.
 */
export function readUploadLines(codes: readonly string[] | null | undefined, csv: string | null | undefined): UploadLine[] {
  if ((codes === null || codes === undefined) === (csv === null || csv === undefined)) {
    throw badInput('codes', 'give exactly one of codes, csv and file');
  }
  if (codes !== null && codes !== undefined) {
    if (codes.length > UPLOAD_MAX_LINES) throw badInput('codes', `at most ${UPLOAD_MAX_LINES} codes per upload`);
    return codes.map((raw, i) => ({ line: i + 1, raw }));
  }
  const text = csv as string;
  if (text.length > UPLOAD_MAX_CSV_CHARS) throw badInput('csv', `at most ${UPLOAD_MAX_CSV_CHARS} characters per upload`);
  return parseCsvLines(text);
}

/**
 * The physical line each record starts on, from csv-parse's `context.lines`, which is the line the
 * record ends on and counts a CRLF inside a quoted cell as two lines (and so every later line one
 * too far). Subtracting the record's own line breaks (CRLF, LF and CR, one each) and the CRLFs
 * counted twice so far gives the first line. (The streamed import's worker does the same.)
 */
export function recordStartLines(): (record: readonly string[], endLine: number) => number {
  let countedTwice = 0;
  return (record, endLine) => {
    let breaks = 0;
    for (const cell of record) {
      if (!MAY_BREAK.test(cell)) continue;
      for (const [lineBreak] of cell.matchAll(LINE_BREAK)) {
        breaks += 1;
        if (lineBreak.length === 2) countedTwice += 1;
      }
    }
    return endLine - countedTwice - breaks;
  };
}
const MAY_BREAK = /[\r\n]/;
const LINE_BREAK = /\r\n|\n|\r/g;

function parseCsvLines(text: string): UploadLine[] {
  let column = -1;
  const lines: UploadLine[] = [];
  const startLine = recordStartLines();
  try {
    // on_record keeps one small object per line instead of whole records (1M lines stay cheap).
    parse(text, {
      bom: true,
      skip_empty_lines: true,
      // Files stitched together from several tools mix line endings: accept all three.
      record_delimiter: ['\r\n', '\n', '\r'],
      relax_column_count: true,
      // One record past the limit is enough to know the upload is too long.
      to: UPLOAD_MAX_LINES + 2,
      on_record: (record, context) => {
        const line = startLine(record, context.lines);
        if (column < 0) {
          const header = record.findIndex((cell) => cell.trim().toLowerCase() === 'code');
          column = Math.max(header, 0);
          if (header >= 0) return null;
        }
        lines.push({ line, raw: record[column] ?? '' });
        return null;
      },
    });
  } catch (error) {
    if (error instanceof CsvError) throw badInput('csv', `malformed CSV: ${error.message}`);
    throw error;
  }
  if (lines.length > UPLOAD_MAX_LINES) throw badInput('csv', `at most ${UPLOAD_MAX_LINES} lines per upload`);
  return lines;
}

/** Normalises every line and sorts it into valid (first occurrence), invalid and duplicate-in-file. */
export function classifyUploadLines(lines: readonly UploadLine[]): ClassifiedUpload {
  const valid = new Map<string, number>();
  const invalid: CodeLineIssue[] = [];
  const duplicatesInFile: CodeLineIssue[] = [];
  for (const { line, raw } of lines) {
    const code = normalizeUploadedCode(typeof raw === 'string' ? raw : '');
    const problem = codeProblem(code);
    if (problem) invalid.push({ line, code: reportable(code), reason: problem });
    else if (valid.has(code)) duplicatesInFile.push({ line, code, reason: 'DUPLICATE_IN_FILE' });
    else valid.set(code, line);
  }
  return { valid, invalid, duplicatesInFile, lineCount: lines.length };
}

/** Rejected cells are echoed back, but never more than 100 characters of them. */
function reportable(code: string): string {
  return code.length > 100 ? `${code.slice(0, 100)}…` : code;
}
