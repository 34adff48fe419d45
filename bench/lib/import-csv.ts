/**
 * The code file the import benchmarks send (import-10m through the API, tools/console-import.ts
 * through the console): 15-character codes, with a few repeats and invalid lines so the import's
 * report is exercised too, and what the import must make of it.
 */

/** One line in this many is a repeat of line 1, one in this many is not a valid code. */
export const REPEAT_EVERY = 100_000;
export const INVALID_EVERY = 250_000;

/** Line `i` (1-based) of the file: a code, every REPEAT_EVERY-th a repeat of line 1, every INVALID_EVERY-th not a code. */
export function importCsvLine(prefix: string, i: number): string {
  if (i % INVALID_EVERY === 0) return `not a code ${i}\n`;
  if (i > 1 && (i - 1) % REPEAT_EVERY === 0) return `${prefix}${String(1).padStart(14, '0')}\n`;
  return `${prefix}${String(i).padStart(14, '0')}\n`;
}

/** What an import of a file of `lines` such lines reports: the codes inserted, the repeats and the invalid lines. */
export function expectedImport(lines: number): { inserted: number; duplicates: number; invalid: number } {
  const duplicates = Math.floor((lines - 1) / REPEAT_EVERY);
  const invalid = Math.floor(lines / INVALID_EVERY);
  return { inserted: lines - duplicates - invalid, duplicates, invalid };
}
