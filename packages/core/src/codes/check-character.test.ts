import { describe, expect, it } from 'vitest';
import { computeCheckCharacter, verifyCheckCharacter } from './check-character.ts';
import { DEFAULT_CHARSET, RandomCodeSource } from './code.random.ts';

describe('check character (Luhn mod N)', () => {
  const source = new RandomCodeSource(DEFAULT_CHARSET);
  const withCheck = (payload: string) => payload + computeCheckCharacter(payload);

  it('verifies the codes it makes, whatever the case, spacing and separators', () => {
    for (let i = 0; i < 1000; i++) {
      const code = withCheck(`SUMMER-${source.next(8)}`);
      expect(verifyCheckCharacter(code)).toBe(true);
      expect(verifyCheckCharacter(`  ${code.toLowerCase()} `)).toBe(true);
    }
  });

  it('catches every single mistyped character', () => {
    for (let i = 0; i < 200; i++) {
      const code = withCheck(source.next(10));
      for (let pos = 0; pos < code.length; pos++) {
        for (const c of DEFAULT_CHARSET) {
          if (c === code[pos]) continue;
          expect(verifyCheckCharacter(code.slice(0, pos) + c + code.slice(pos + 1))).toBe(false);
        }
      }
    }
  });

  it('catches every swap of two different neighbours (the default charset is prime-sized)', () => {
    for (let i = 0; i < 200; i++) {
      const code = withCheck(source.next(10));
      for (let pos = 0; pos + 1 < code.length; pos++) {
        if (code[pos] === code[pos + 1]) continue;
        const swapped = code.slice(0, pos) + code[pos + 1] + code[pos] + code.slice(pos + 2);
        expect(verifyCheckCharacter(swapped)).toBe(false);
      }
    }
  });

  it('with the pattern the code was generated with, catches every character mistyped as "-" or "_"', () => {
    const pattern = { prefix: 'SUMMER-', suffix: '_X', length: 8 };
    for (let i = 0; i < 200; i++) {
      const code = withCheck(`SUMMER-${source.next(8)}_X`);
      expect(verifyCheckCharacter(code, pattern)).toBe(true);
      expect(verifyCheckCharacter(` ${code.toLowerCase()} `, { ...pattern, prefix: 'summer-' })).toBe(true);
      for (let pos = 0; pos < code.length; pos++) {
        for (const separator of ['-', '_']) {
          if (code[pos] === separator) continue;
          expect(verifyCheckCharacter(code.slice(0, pos) + separator + code.slice(pos + 1), pattern), `${code} @${pos}`).toBe(false);
        }
      }
    }
  });

  it('without the pattern, still catches the check character mistyped as a separator, and keeps every generated code valid', () => {
    for (let i = 0; i < 500; i++) {
      const code = withCheck(`SUMMER-${source.next(8)}`);
      expect(verifyCheckCharacter(code)).toBe(true);
      expect(verifyCheckCharacter(`${code.slice(0, -1)}-`)).toBe(false);
      expect(verifyCheckCharacter(`${code.slice(0, -1)}_`)).toBe(false);
    }
    // Codes with separators in a suffix, and with no affix at all, verify with their pattern and without it.
    const suffixed = withCheck(`${source.next(6)}-X9-`);
    expect(verifyCheckCharacter(suffixed)).toBe(true);
    expect(verifyCheckCharacter(suffixed, { suffix: '-x9-' })).toBe(true);
    const plain = withCheck(source.next(10));
    expect(verifyCheckCharacter(plain, { length: 10 })).toBe(true);
    expect(verifyCheckCharacter(plain, { length: 9 })).toBe(false);
    expect(verifyCheckCharacter(plain, { prefix: 'X-' })).toBe(false);
  });

  it('reads ASCII letters only as their capitals: "ſ" or "ı" typed for S or I is no match', () => {
    const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
    const code = `SALE-ISSUE${computeCheckCharacter('SALE-ISSUE', letters)}`;
    expect(verifyCheckCharacter(code.toLowerCase(), letters)).toBe(true);
    expect(verifyCheckCharacter(code.replace('S', 'ſ'), letters)).toBe(false);
    expect(verifyCheckCharacter(code.toLowerCase().replace('i', 'ı'), letters)).toBe(false);
  });

  it('rejects characters outside the charset and too-short input', () => {
    expect(verifyCheckCharacter('ABC0')).toBe(false);
    expect(verifyCheckCharacter('A')).toBe(false);
    expect(computeCheckCharacter('AB1')).toBeNull();
  });

  it('works over a custom charset', () => {
    const charset = '0123456789';
    const payload = '7992739871';
    const code = payload + computeCheckCharacter(payload, charset);
    expect(code).toBe('79927398713'); // the textbook Luhn example
    expect(verifyCheckCharacter(code, charset)).toBe(true);
  });
});

describe('RandomCodeSource', () => {
  it('is uniform over the charset (chi-square, no modulo bias)', () => {
    const charset = DEFAULT_CHARSET; // 31 symbols: 256 % 31 = 8, so naive modulo would be biased
    const counts = new Map<string, number>();
    const source = new RandomCodeSource(charset);
    const n = 310_000;
    for (const c of source.next(n)) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(31);
    const expected = n / 31;
    const chi2 = [...counts.values()].reduce((sum, o) => sum + (o - expected) ** 2 / expected, 0);
    // 30 degrees of freedom: p = 0.0001 at about 66.6. Modulo bias would push this into the thousands.
    expect(chi2).toBeLessThan(66.6);
  });
});
