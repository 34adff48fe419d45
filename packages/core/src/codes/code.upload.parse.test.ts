import { describe, expect, it } from 'vitest';
import { classifyUploadLines, readUploadLines, UPLOAD_MAX_LINES } from './code.upload.parse.ts';
import { csvCell } from './csv.format.ts';

const codeOf = (fn: () => unknown) => {
  try {
    fn();
    return 'OK';
  } catch (error) {
    return (error as { code: string; details: { field: string } }).details.field;
  }
};

describe('readUploadLines', () => {
  it('numbers a list from 1', () => {
    expect(readUploadLines(['a', 'b'], null)).toEqual([
      { line: 1, raw: 'a' },
      { line: 2, raw: 'b' },
    ]);
  });

  it('reads the first CSV column, skipping blank lines but keeping physical line numbers', () => {
    const csv = 'AAA1,x\r\n\nBBB2\n"CC,C3",y\n';
    expect(readUploadLines(null, csv)).toEqual([
      { line: 1, raw: 'AAA1' },
      { line: 3, raw: 'BBB2' },
      { line: 4, raw: 'CC,C3' },
    ]);
  });

  it('numbers a record by the physical line it starts on, whatever line breaks its quoted cells hold', () => {
    // Lines: 1 A1; 2-3 "B\nC"; 4 D1; 5-6 "E\r\nF"; 7 G1; 8-11 "H\rI\r\nJ\nK",x; 12 L1.
    const csv = 'A1\n"B\nC"\nD1\r\n"E\r\nF"\r\nG1\r"H\rI\r\nJ\nK",x\nL1\n';
    expect(readUploadLines(null, csv).map(({ line, raw }) => [line, raw])).toEqual([
      [1, 'A1'],
      [2, 'B\nC'],
      [4, 'D1'],
      [5, 'E\r\nF'],
      [7, 'G1'],
      [8, 'H\rI\r\nJ\nK'],
      [12, 'L1'],
    ]);
    // A header row with a line break in it counts too.
    expect(readUploadLines(null, 'code,"no\r\nte"\nA1\n')).toEqual([{ line: 3, raw: 'A1' }]);
  });

  it('uses the column named "code" when the first row is a header', () => {
    const csv = '\uFEFFid,Code,note\n1,aaa1,x\n2,bbb2,y\n';
    expect(readUploadLines(null, csv)).toEqual([
      { line: 2, raw: 'aaa1' },
      { line: 3, raw: 'bbb2' },
    ]);
  });

  it('refuses both, neither, malformed CSV and too many lines', () => {
    expect(codeOf(() => readUploadLines(['A'], 'A'))).toBe('codes');
    expect(codeOf(() => readUploadLines(null, null))).toBe('codes');
    expect(codeOf(() => readUploadLines(null, '"unterminated\n'))).toBe('csv');
    expect(codeOf(() => readUploadLines(new Array(UPLOAD_MAX_LINES + 1).fill('AAA'), null))).toBe('codes');
    expect(codeOf(() => readUploadLines(null, 'AAA\n'.repeat(UPLOAD_MAX_LINES + 1)))).toBe('csv');
  });
});

describe('classifyUploadLines', () => {
  it('normalises and sorts lines into valid, invalid and repeated', () => {
    const lines = ['  abc1 ', 'ABC1', '', 'ab', 'x'.repeat(65), 'bad code', 'GOOD_2', 'ok-3'].map((raw, i) => ({ line: i + 1, raw }));
    const result = classifyUploadLines(lines);
    expect([...result.valid]).toEqual([
      ['ABC1', 1],
      ['GOOD_2', 7],
      ['OK-3', 8],
    ]);
    expect(result.duplicatesInFile).toEqual([{ line: 2, code: 'ABC1', reason: 'DUPLICATE_IN_FILE' }]);
    expect(result.invalid.map((i) => [i.line, i.reason])).toEqual([
      [3, 'EMPTY'],
      [4, 'TOO_SHORT'],
      [5, 'TOO_LONG'],
      [6, 'INVALID_CHARACTERS'],
    ]);
  });

  it('upper-cases ASCII letters only: "ſ", "ß", "ﬁ", "ı" make a code INVALID_CHARACTERS, never another ASCII code', () => {
    const lines = ['ſale1', 'ßX12', 'ﬁve9', 'ıX12', 'STRASSE1', 'straße1', 'sale1'].map((raw, i) => ({ line: i + 1, raw }));
    const result = classifyUploadLines(lines);
    expect([...result.valid]).toEqual([
      ['STRASSE1', 5],
      ['SALE1', 7],
    ]);
    expect(result.duplicatesInFile).toEqual([]);
    expect(result.invalid).toEqual([
      { line: 1, code: 'ſALE1', reason: 'INVALID_CHARACTERS' },
      { line: 2, code: 'ßX12', reason: 'INVALID_CHARACTERS' },
      { line: 3, code: 'ﬁVE9', reason: 'INVALID_CHARACTERS' },
      { line: 4, code: 'ıX12', reason: 'INVALID_CHARACTERS' },
      { line: 6, code: 'STRAßE1', reason: 'INVALID_CHARACTERS' },
    ]);
  });

  it("reads back what an export wrote: one leading ' is dropped before -, =, +, @ (the formula guard), nowhere else", () => {
    const exported = ['-X100', '=X100', '+X100', '@X100', 'X-100'].map((code) => csvCell(code));
    expect(exported).toEqual(["'-X100", "'=X100", "'+X100", "'@X100", 'X-100']);
    const lines = [...exported, "'X100", "''-X100", " '-x200 "].map((raw, i) => ({ line: i + 1, raw }));
    const result = classifyUploadLines(lines);
    expect([...result.valid]).toEqual([
      ['-X100', 1],
      ['X-100', 5],
      ['-X200', 8],
    ]);
    // "=", "+" and "@" are no code characters: refused as the code itself, not as the exported cell.
    expect(result.invalid.map((issue) => issue.code)).toEqual(['=X100', '+X100', '@X100', "'X100", "''-X100"]);
  });
});
