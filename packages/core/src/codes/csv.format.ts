/**
 * CSV output safe to open in a spreadsheet. A cell that starts with `=`, `+`, `-`, `@` (or a tab
 * or carriage return) would be run as a formula by Excel, LibreOffice and Sheets ("CSV
 * injection"), so it gets a leading `'`, which spreadsheets show as text. Note that a code
 * starting with "-" is therefore exported as `'-…`.
 */
const FORMULA_START = /^[=+\-@\t\r]/;
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
