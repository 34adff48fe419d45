import { randomBytes } from 'node:crypto';

/** Upper-case letters and digits without look-alikes (0/O, 1/I/L): 31 characters, a prime. */
export const DEFAULT_CHARSET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

const BUFFER_SIZE = 64 * 1024;

/**
 * Uniformly random strings over `charset` from the OS CSPRNG. Each character comes from one
 * random byte by rejection sampling: bytes at or above the largest multiple of the charset size
 * below 256 are thrown away, so no character is more likely than another (no modulo bias).
 * Random bytes are drawn 64 KiB at a time, which keeps a million codes well under a second.
 */
export class RandomCodeSource {
  private buffer = Buffer.alloc(0);
  private offset = 0;
  private readonly limit: number;

  constructor(private readonly charset: string) {
    if (charset.length < 2 || charset.length > 256) throw new RangeError('charset must have 2..256 characters');
    this.limit = 256 - (256 % charset.length);
  }

  /** One random string of `length` characters. */
  next(length: number): string {
    const chars = new Array<string>(length);
    const n = this.charset.length;
    for (let i = 0; i < length; ) {
      if (this.offset >= this.buffer.length) {
        this.buffer = randomBytes(BUFFER_SIZE);
        this.offset = 0;
      }
      const byte = this.buffer[this.offset++];
      if (byte < this.limit) chars[i++] = this.charset[byte % n];
    }
    return chars.join('');
  }
}

/** log10 of how many distinct strings `length` characters over `charsetSize` symbols can make. */
export function patternSpaceLog10(charsetSize: number, length: number): number {
  return length * Math.log10(charsetSize);
}
