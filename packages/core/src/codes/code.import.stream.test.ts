import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { IMPORT_MAX_RECORD_BYTES, ImportCsvError, ImportRowEncoder } from './code.import.stream.ts';
import { classifyUploadLines, readUploadLines } from './code.upload.parse.ts';

/** Runs `pieces` of a file through the encoder; the COPY rows as [line, code, problem] and the counts. */
async function encode(pieces: string[], progressEvery?: number) {
  const progress: number[] = [];
  const encoder = new ImportRowEncoder(async (counts) => {
    progress.push(counts.lines);
  }, progressEvery);
  let text = '';
  await pipeline(
    Readable.from(pieces.map((p) => Buffer.from(p))),
    encoder,
    new Writable({
      write(chunk: Buffer, _e, callback) {
        text += chunk.toString('utf8');
        callback();
      },
    }),
  );
  const rows = text.split('\n').filter(Boolean).map((row) => row.split('\t'));
  return { rows, counts: encoder.counts, progress };
}

describe('ImportRowEncoder (the streamed import: CSV parsed in a worker, COPY rows out)', () => {
  it('reads a file as uploadCodes(csv:) does, whatever the chunk boundaries: header column, blank lines, any line ending', async () => {
    const { rows, counts } = await encode(['id,Code\r\n1,spr', 'ing-a\r\n\r\n2, SPRING-B \n3,\r4,x\n']);
    expect(rows).toEqual([
      ['2', 'SPRING-A', '\\N'],
      ['4', 'SPRING-B', '\\N'],
      ['5', '', 'EMPTY'],
      ['6', 'X', 'TOO_SHORT'],
    ]);
    expect(counts).toEqual({ lines: 4, invalid: 2 });
  });

  it("escapes invalid cells for COPY's text format and cuts them at 100 characters", async () => {
    const { rows } = await encode([`"a\tb\\\\c"\n"${'y'.repeat(150)}"\n`]);
    expect(rows[0]).toEqual(['1', 'A\\tB\\\\\\\\C', 'INVALID_CHARACTERS']);
    expect(rows[1]).toEqual(['2', `${'Y'.repeat(100)}…`, 'TOO_LONG']);
  });

  it('reports progress every N lines, and refuses a malformed file or an endless record', async () => {
    const lines = Array.from({ length: 25 }, (_, i) => `CODE-${i}\n`);
    expect((await encode(lines, 10)).progress).toEqual([10, 20]);
    await expect(encode(['A-1\n"unclosed\nB-2\n'])).rejects.toBeInstanceOf(ImportCsvError);
    await expect(encode([`"${'z'.repeat(IMPORT_MAX_RECORD_BYTES + 10)}`])).rejects.toBeInstanceOf(ImportCsvError);
  });

  it('numbers a record by the physical line it starts on, as uploadCodes(csv:) does, across chunks', async () => {
    const csv = 'A-1\n"B\nC"\nD-1\r\n"E\r\nF"\r\nG-1\r"H\rI\r\nJ\nK",x\nL-1\n';
    const expected = readUploadLines(null, csv).map(({ line }) => String(line));
    expect(expected).toEqual(['1', '2', '4', '5', '7', '8', '12']);
    const { rows } = await encode([csv.slice(0, 9), csv.slice(9, 20), csv.slice(20)]);
    expect(rows.map(([line]) => line)).toEqual(expected);
  });

  it('normalises as uploadCodes does: ASCII letters only upper-cased, the export\'s formula marker dropped', async () => {
    const cells = ['ſale1', 'ßx12', 'ﬁve9', 'ıx12', 'straße1', 'strasse1', "'-x100", "'x100", " '-x200 "];
    const { rows } = await encode([cells.map((cell) => `"${cell}"`).join('\n')]);
    const { valid, invalid } = classifyUploadLines(cells.map((raw, i) => ({ line: i + 1, raw })));
    const fromClassify = [...[...valid].map(([code, line]) => [String(line), code, '\\N']), ...invalid.map((i) => [String(i.line), i.code, i.reason])];
    expect(rows).toEqual(fromClassify.sort((a, b) => Number(a[0]) - Number(b[0])));
    expect(rows.filter(([, , problem]) => problem === '\\N').map(([, code]) => code)).toEqual(['STRASSE1', '-X100', '-X200']);
  });

  it('shows a NUL in a refused cell as U+FFFD, never as a shorter, valid-looking code', async () => {
    const { rows } = await encode(['ab\0cd123\n']);
    expect(rows).toEqual([['1', 'AB\uFFFDCD123', 'INVALID_CHARACTERS']]);
  });
});
