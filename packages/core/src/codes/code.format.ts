import { upperCaseAscii } from '@coupons/rules';
import { withoutFormulaMarker } from './csv.format.ts';

/** Codes are 3..64 characters of A-Z, 0-9, "-" and "_", stored upper-case (a CHECK holds it). */
export const CODE_MIN_LENGTH = 3;
export const CODE_MAX_LENGTH = 64;
/** The characters a code may hold (the streamed import's worker gets this pattern's source). */
export const CODE_CHARACTERS = /^[A-Z0-9_-]+$/;

/** Why a line of an upload was not inserted (the `reason` of a `CodeLineIssue`). */
export type CodeIssueReason =
  | 'EMPTY'
  | 'TOO_SHORT'
  | 'TOO_LONG'
  | 'INVALID_CHARACTERS'
  | 'DUPLICATE_IN_FILE'
  | 'ALREADY_EXISTS';

/** One rejected line of an upload. `line` is 1-based (CSV: the physical line the record starts on). */
export interface CodeLineIssue {
  line: number;
  code: string;
  reason: CodeIssueReason;
}

/**
 * Upload normalisation: surrounding white space dropped, the export's formula marker dropped (a
 * `'` before `-`, `=`, `+`, `@`, tab or CR: codes.csv writes `-X1` as `'-X1`), ASCII letters
 * upper-cased — only those: "ſ", "ß", "ﬁ" or "ı" stay and make the code INVALID_CHARACTERS
 * instead of a different ASCII code. Look-ups upper-case the same way (`normaliseCode`).
 */
export function normalizeUploadedCode(raw: string): string {
  return upperCaseAscii(withoutFormulaMarker(raw.trim()));
}

/** Why a normalised code is not valid, or null when it is. */
export function codeProblem(code: string): Exclude<CodeIssueReason, 'DUPLICATE_IN_FILE' | 'ALREADY_EXISTS'> | null {
  if (code.length === 0) return 'EMPTY';
  if (code.length < CODE_MIN_LENGTH) return 'TOO_SHORT';
  if (code.length > CODE_MAX_LENGTH) return 'TOO_LONG';
  if (!CODE_CHARACTERS.test(code)) return 'INVALID_CHARACTERS';
  return null;
}
