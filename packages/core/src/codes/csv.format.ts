import { Transform } from 'node:stream';
import { Prisma } from '@coupons/db';

/**
 * CSV output safe to open in a spreadsheet. A cell that starts with `=`, `+`, `-`, `@` (or a tab
 * or carriage return) would be run as a formula by Excel, LibreOffice and Sheets ("CSV
 * injection"), so it gets a leading `'`, which spreadsheets show as text. Note that a code
 * starting with "-" is therefore exported as `'-…`.
 */
const FORMULA_START = /^[=+\-@\t\r]/;
/**
 * The `'` that {@link csvCell} puts before a guarded first character: an upload drops it (one,
 * only before one of those characters), so an export uploaded again reads back the same codes.
 */
export const FORMULA_MARKER = new RegExp(`^'(?=${FORMULA_START.source.slice(1)})`);

/** `text` without {@link csvCell}'s formula marker: `'-X1` → `-X1`; `'X1` and `''-X1` stay as they are. */
export function withoutFormulaMarker(text: string): string {
  return text.replace(FORMULA_MARKER, '');
}
const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

/** One cell: null/undefined → empty; objects → JSON; then neutralised and quoted as needed. */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = value instanceof Date ? value.toISOString() : typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV line (RFC 4180, CRLF-terminated). */
export function csvLine(cells: readonly unknown[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

// The same cells, written by PostgreSQL: `COPY (SELECT …) TO STDOUT WITH (FORMAT csv)` quotes
// as RFC 4180 asks (a cell with `"`, `,`, CR or LF), writes NULL as an empty unquoted cell and
// ends rows with LF. What csvCell does on top of that is done in the SELECT by these helpers.

/**
 * A text cell, formula-safe: {@link csvCell}'s leading `'` before `=`, `+`, `-`, `@`, tab or CR,
 * in SQL. An empty text becomes NULL, so it is written as an empty cell as csvCell writes it
 * (COPY would write `""`).
 */
export function csvTextSql(expression: Prisma.Sql): Prisma.Sql {
  // ascii() reads the first character's code without copying the text: = 61, + 43, - 45, @ 64, tab 9, CR 13.
  return Prisma.sql`(CASE WHEN ascii(${expression}) IN (61, 43, 45, 64, 9, 13) THEN '''' || ${expression}
    ELSE nullif(${expression}, '') END)`;
}

/** A timestamptz as `Date.toISOString()` writes it (UTC, milliseconds, `Z`), whatever the session's time zone. */
export function csvTimeSql(expression: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`to_char(${expression} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

const LF = 0x0a;
const QUOTE = 0x22;
const CRLF = Buffer.from('\r\n');

/**
 * COPY ends rows with LF; the exports have always ended them with CRLF (RFC 4180). This turns each
 * row's LF into CRLF and leaves a line break inside a quoted cell as it is: it follows the quotes
 * (a `""` inside a quoted cell toggles twice), across chunk boundaries. One pass over the bytes.
 */
export function crlfRows(): Transform {
  let quoted = false;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      const parts: Buffer[] = [];
      let start = 0;
      let at = 0;
      // Jump from quote to quote, and outside quotes to the next LF: indexOf scans in native code.
      let quote = chunk.indexOf(QUOTE); // the next quote at or after `at` (-1: none left)
      while (at < chunk.length) {
        if (quote >= 0 && quote < at) quote = chunk.indexOf(QUOTE, at);
        if (quoted) {
          if (quote < 0) break;
          quoted = false;
          at = quote + 1;
          continue;
        }
        const lf = chunk.indexOf(LF, at);
        if (lf >= 0 && (quote < 0 || lf < quote)) {
          parts.push(chunk.subarray(start, lf), CRLF);
          start = at = lf + 1;
        } else if (quote >= 0) {
          quoted = true;
          at = quote + 1;
        } else break;
      }
      parts.push(chunk.subarray(start));
      done(null, Buffer.concat(parts));
    },
  });
}
