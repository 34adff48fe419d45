import { describe, expect, it } from 'vitest';
import { formatBytes, pastedCodes } from './import-file';
import { uploadOutcome } from './upload-outcome';

describe('uploadOutcome', () => {
  it('calls 0 inserted "nothing" (a warning) even when every line was a duplicate', () => {
    expect(uploadOutcome({ inserted: 0, duplicateCount: 5, invalidCount: 0 })).toBe('nothing');
    expect(uploadOutcome({ inserted: 0, duplicateCount: 0, invalidCount: 0 })).toBe('nothing');
  });
  it('tells a clean upload from one with lines left out', () => {
    expect(uploadOutcome({ inserted: 3, duplicateCount: 0, invalidCount: 0 })).toBe('success');
    expect(uploadOutcome({ inserted: 3, duplicateCount: 0, invalidCount: 1 })).toBe('partial');
  });
});

describe('pastedCodes', () => {
  it('splits on new lines, commas and semicolons and drops blanks', () => {
    expect(pastedCodes('A-1\r\nB-2,  C-3 ;\n\n D-4 ')).toEqual(['A-1', 'B-2', 'C-3', 'D-4']);
    expect(pastedCodes(' \n ,; ')).toEqual([]);
  });
});

describe('formatBytes', () => {
  it('reads as a person would', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(160 * 1024 * 1024)).toBe('160.0 MB');
    expect(formatBytes(1536)).toBe('1.5 KB');
  });
});
