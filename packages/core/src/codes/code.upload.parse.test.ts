import { describe, expect, it } from 'vitest';
import { classifyUploadLines, readUploadLines, UPLOAD_MAX_LINES } from './code.upload.parse.ts';

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
});
