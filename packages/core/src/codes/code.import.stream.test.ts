import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { IMPORT_MAX_RECORD_BYTES, ImportCsvError, ImportRowEncoder } from './code.import.stream.ts';

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
});
