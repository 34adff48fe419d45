import fc from 'fast-check';
import { expect } from 'vitest';
import { CONTRACT_CODES, postJson, type Recorded, type ReceivedWebhook, type TestServer, type WebhookReceiver } from '../../testing/index.ts';

/**
 * The read-back fuzz (readback.fuzz.test.ts): hostile but possibly valid values for every mutation
 * that stores text, numbers, dates or JSON, and the reads that show them again. The arbitraries,
 * the model of what a stored value reads back as (the documented normalisations), and a client
 * whose every answer is checked: a refusal is a contract code, a read never fails.
 */

// ---------------------------------------------------------------- values

/**
 * Pieces of text that have broken Unicode, JSON, CSV and SQL handling somewhere and that a free
 * text may hold (line separators, combining marks, astral characters, noncharacters, joiners,
 * case-mapping oddities, quotes, wildcards, formula starts).
 */
const EDGE_PIECES = [
  '\u2028', '\u2029', 'e\u0301', 'Z\u0338\u0322\u034D\u0353', 'a\u0300\u0301\u0302\u0303\u0304', '\u200C', '\u200D',
  '😀', '👩‍👩‍👧', '🇺🇳', '𝐂𝐎𝐃𝐄', '\u{10FFFF}', '\uFFFD', '\uFFFE', '\uFFFF', '\u00A0', '\u3000', ' ',
  'ß', 'İ', 'ı', 'ſ', 'ﬃ', 'Ａ', '٣', 'Ⅻ', 'ǅ', 'ẞ',
  '"', "'", ',', ';', '\\', '%', '_', '!', '$1', "' OR 1=1 --", '=1+1', '+1', '-1', '@A', '<b>', '{"a":1}', '\\u0000', 'null',
];
/** Pieces a free text may not hold: lone surrogates, controls, bidi and zero-width formatting. */
const BAD_PIECES = [
  '\uD800', '\uDBFF', '\uDC00', '\uD83D', '\u0000', '\u0007', '\u001b[31m', '\u007f', '\u0085', '\t', '\n', '\r\n',
  '\u202E', '\u2066', '\u200E', '\u200B', '\uFEFF', '\u00AD', '\u2060', '\u{E0041}', '\u3164',
];

const edge = fc.constantFrom(...EDGE_PIECES);
const bad = fc.constantFrom(...BAD_PIECES);
const word = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 .-]{0,12}$/);
const glued = (pieces: fc.Arbitrary<string>) =>
  fc.tuple(word, fc.array(pieces, { minLength: 1, maxLength: 3 }), word).map(([a, p, b]) => a + p.join('') + b);

/**
 * Free text with a documented maximum: plain words, edge pieces glued to words (mostly valid),
 * refused pieces, and lengths at and past `max` (in UTF-16 units as the API counts them, astral
 * characters included).
 */
export function hostileText(max: number): fc.Arbitrary<string> {
  const astral = Math.floor(max / 2);
  return fc.oneof(
    { weight: 2, arbitrary: word },
    { weight: 6, arbitrary: glued(edge) },
    { weight: 2, arbitrary: glued(fc.oneof(edge, bad)) },
    { weight: 1, arbitrary: fc.array(fc.oneof(edge, bad), { minLength: 1, maxLength: 2 }).map((p) => p.join('')) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        'x'.repeat(max), 'x'.repeat(max + 1), ` ${'x'.repeat(max)} `, '😀'.repeat(astral), '😀'.repeat(astral + 1),
        'e\u0301'.repeat(Math.floor(max / 2)), `${'ä'.repeat(max - 1)}\uD800`, `-${'y'.repeat(max - 1)}`, `=${'\u2028'.repeat(max - 1)}`,
      ),
    },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }) },
  );
}

/** Int arguments at the edges of GraphQL's Int, PostgreSQL's integer and JSON's numbers (mostly valid ones). */
export const hostileInt = fc.oneof(
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 5 }) },
  { weight: 2, arbitrary: fc.constantFrom(1, 2_147_483_647, 86_400, 300) },
  { weight: 2, arbitrary: fc.constantFrom(0, -0, -1, 2_147_483_648, -2_147_483_648, 2 ** 53, 1.5, 1e21, 86_401) },
);

/** Floats for discountValue: zero, -0, subnormal, too precise, at and past the DECIMAL(12,2) maximum. */
export const hostileFloat = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(10, 5, 99.99, 12.5) },
  { weight: 2, arbitrary: fc.constantFrom(0.01, 100, 33.33, 9_999_999_999.99, 1_100_000_000.14, 0.1) },
  { weight: 2, arbitrary: fc.constantFrom(0, -0, 5e-324, 0.005, 100.01, 0.1 + 0.2, 1e21, 9_999_999_999.995, 10_000_000_000) },
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 10_000 }).map((cents) => cents / 100) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 999_999_999_999 }).map((cents) => cents / 100) },
  { weight: 1, arbitrary: fc.double({ min: 0, max: 200, noNaN: true }) },
);

/** Decimal strings: the scalar's edges, signs, exponents, other digits, NaN as text. */
export const hostileAmount = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom('10', '12.50', '100.00', '59.9') },
  { weight: 2, arbitrary: fc.constantFrom('0', '0.00', '99999999999999.99', '99999999999999', '12.500', '2147483648', '9007199254740993', '0.1') },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '0.0001', '0.001', '-0', '00', '1e21', 'NaN', 'Infinity', '99999999999999.9999', '100000000000000', '1.', '.5', ' 1', '1,00', '١٢', '１', '',
    ),
  },
);

/** ISO 4217 codes and near misses (case, spaces, letters that upper-case to ASCII, 0/3/4 minor units). */
export const hostileCurrency = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('EUR', 'eur', ' usd ', 'JPY', 'BHD', 'CLF', 'KWD', 'XXX', 'XAU') },
  { weight: 1, arbitrary: fc.constantFrom('ABC', 'EU', 'EURO', 'ＥＵＲ', 'ısk', 'uſd', '', 'E\u0301UR') },
);

/** Date-times: the range's edges and just past them, odd offsets and fractions, almost-dates. */
export function hostileDate(now: number): fc.Arbitrary<string> {
  const day = 86_400_000;
  return fc.oneof(
    { weight: 2, arbitrary: fc.constantFrom(-30, -1, 1, 30, 3650).map((d) => new Date(now + d * day).toISOString()) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        '0001-01-01T00:00:00.000Z', '9999-12-31T23:59:59.999Z', '1970-01-01T00:00:00Z', '2028-02-29T12:00:00Z',
        '2099-01-01T00:00:00+14:00', '2099-01-01T00:00:00-12:00', '2099-01-01T00:00:00.123456789Z', '9999-12-31T23:59:59.999-00:01',
      ),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '0000-12-31T23:59:59.999Z', '+010000-01-01T00:00:00.000Z', '-000001-01-01T00:00:00.000Z', '2027-02-29T00:00:00Z',
        '2099-01-01T24:00:00Z', '2098-12-31T23:59:60Z', '2099-01-01', 'now', '', '2099-01-01T00:00:00\u0000Z', '0001-01-01T00:00:00+00:01',
      ),
    },
  );
}

/** A JSON text sent as is (the request body is spliced, so JSON.stringify never sees it). */
export class RawJson {
  constructor(readonly text: string) {}
}

/** Metadata: JSON edge values as objects, deep and wide, big and at the 16 KB limit, raw texts. */
export function hostileMetadata(): fc.Arbitrary<unknown> {
  const sized = (bytes: number) => ({ k: 'x'.repeat(bytes - 8) }); // {"k":"…"} is 8 bytes around the value
  const deep = (n: number) => JSON.parse(`${'{"a":'.repeat(n)}1${'}'.repeat(n)}`);
  return fc.oneof(
    { weight: 2, arbitrary: fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }) },
    { weight: 2, arbitrary: fc.dictionary(hostileText(20), fc.oneof(hostileText(40), fc.double(), fc.boolean(), fc.constant(null)), { maxKeys: 3 }) },
    {
      weight: 3,
      arbitrary: fc.constantFrom<unknown>(
        { n: 1e308 }, { n: -1.7976931348623157e308 }, { n: 5e-324 }, { n: -0 }, { n: 2 ** 53 + 2 }, { n: 1e21 }, { n: 123.45678901234568 },
        { '': '' }, { ' ': 1 }, { a: 1, 'a\u200B': 2, A: 3 }, { é: 1, 'e\u0301': 2 }, { '\uD800': 1 }, { s: '\uDFFF' },
        { s: 'a\u2028b\u2029c' }, { s: '\u202Eevil' }, { constructor: 'c', toString: 't', hasOwnProperty: 1 },
        JSON.parse('{"__proto__": 1}'), { a: [] }, { a: {} }, { a: [[[[]]]] }, { k: '\u0000' }, { '\u0000': 1 }, [], 'text', 42, null,
        deep(31), deep(32), deep(33), sized(16 * 1024), sized(16 * 1024 + 1), { wide: Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`k${i}`, i])) },
      ),
    },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        '{"a":1,"a":2}', '{"n":12345678901234567890123}', '{"n":1e400}', '{"n":-1e-400}', '{"n":1.0}', '{"n":1E2}', '{"n":-0.0}',
        '{"s":"\\ud800\\udc00"}', '{"s":"\\udc00\\ud800"}', '{"\\u0000":0}', '{"a":{"b":1},"a":{"c":2}}',
      ).map((text) => new RawJson(text)),
    },
  );
}

const piece = fc.oneof(edge, bad);

/** A code list for uploadCodes: valid codes in odd spellings, and lines that are not codes. */
export function hostileCodes(tag: string): fc.Arbitrary<string[]> {
  const code = fc.oneof(
    fc.constantFrom(`${tag}-a1`, ` ${tag}-B2 `, `-${tag}3`, `_${tag}4`, `${tag}⁶⁴`, `${tag}⁶⁵`, ` ${tag.toLowerCase()}⁶⁴\t`),
    fc.constantFrom('ab', `${tag}ſ5`, `${tag}ß6`, `${tag}\u00007`, `${tag}\uD8008`, `${tag}é9`, `=${tag}`, `'-${tag}X`, `${tag} 10`, '', '   ', `${tag},11`, `${tag}"12`),
    fc.stringMatching(/^[A-Za-z0-9_-]{1,8}$/).map((s) => `${tag}${s}`),
  );
  return fc.array(code, { minLength: 1, maxLength: 6 });
}

/** generateCodes' pattern: affixes in odd spellings, charsets, lengths at the edges. */
export function hostilePattern(tag: string) {
  const affix = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(tag, `${tag}-`, `${tag}_`) },
    { weight: 3, arbitrary: fc.constantFrom('', '-', '_', '¤-', ` ${tag}_ `, `-${tag}`, `${tag}ſ`, `${tag}%`, `${tag}\u0000`, `${tag}${'A'.repeat(20)}`, `${tag}${'A'.repeat(30)}`) },
  );
  return fc.record({
    prefix: affix,
    suffix: fc.option(affix, { nil: undefined }),
    charset: fc.option(fc.constantFrom('AB', 'ab', 'A', 'AA', 'ABCDEFGHJK', '0123456789', 'AÄ', 'A-B', ' XY ', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'), { nil: undefined, freq: 2 }),
    length: fc.option(fc.constantFrom(1, 2, 8, 12, 0, 40, 64, 65, -1), { nil: undefined, freq: 2 }),
    checkCharacter: fc.constantFrom(false, false, false, true),
    count: fc.constantFrom(1, 2, 3),
  });
}

/** An idempotency key: printable ASCII 1..200, and what is not. */
export const hostileKey = fc.oneof(
  fc.stringMatching(/^[!-~]{1,20}$/),
  fc.constantFrom('~'.repeat(200), '~'.repeat(201), 'a b', 'é', '', '\u0000', '"\'\\', '=cmd', '-1'),
);

/** What an email looks like to a register form: edge cases around one @ and a dotted domain. */
export function hostileEmail(tag: string): fc.Arbitrary<string> {
  const local = fc.oneof(fc.constant(tag), fc.tuple(fc.constant(tag), piece).map(([t, p]) => t + p));
  const domain = fc.constantFrom('example.test', 'EXAMPLE.test', 'bücher.test', 'xn--bcher-kva.test', 'a.b.c.test', 'ex%ample.test', 'ex_ample.test');
  return fc.oneof(
    { weight: 4, arbitrary: fc.tuple(local, domain).map(([l, d]) => `${l}@${d}`) },
    { weight: 1, arbitrary: fc.constantFrom(` ${tag}@Example.TEST `, `${tag}İ@example.test`, `${tag}@@example.test`, `${'a'.repeat(250)}${tag}@example.test`) },
  );
}

// ---------------------------------------------------------------- the model of a read-back

/** JSON as compared: keys sorted, -0 as 0 (JSON has no -0). */
export const canonical = (v: unknown): unknown =>
  v && typeof v === 'object' && !Array.isArray(v)
    ? Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])])
    : Array.isArray(v) ? v.map(canonical) : Object.is(v, -0) ? 0 : v;

/** The value a server parses from what the test sent (a RawJson by JSON.parse, as the server does). */
export const sentValue = (v: unknown): unknown => (v instanceof RawJson ? JSON.parse(v.text) : v);

/** Free text as stored: trimmed (JavaScript's trim), null when empty and optional. */
export const storedText = (v: string | null | undefined): string | null => {
  const text = typeof v === 'string' ? v.trim() : '';
  return text === '' ? null : text;
};

/** Decimal places of a currency as the platform's ICU data gives them (the API's source too). */
export function minorUnits(currency: string): number {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

/** An amount as the API writes it in `currency`: its minor-unit places, more when it has more. */
export function storedAmount(text: string, currency: string): string {
  const [whole, fraction = ''] = text.split('.');
  const digits = fraction.replace(/0+$/, '');
  const places = Math.max(minorUnits(currency), digits.length);
  return places === 0 ? whole : `${whole}.${digits.padEnd(places, '0')}`;
}

/** A code as stored: trimmed, ASCII letters upper-cased (no other letter is folded). */
export const storedCode = (v: string): string => v.trim().replace(/[a-z]/g, (c) => c.toUpperCase());

/** A CSV text cell as the exports write it: a formula-looking start gets a leading `'`. */
export const csvText = (v: string | null | undefined): string => (v === null || v === undefined || v === '' ? '' : /^[=+\-@\t\r]/.test(v) ? `'${v}` : v);

/** A date-time as every read shows it (null for null). */
export const storedDate = (v: unknown): string | null => (v === null || v === undefined ? null : new Date(String(v)).toISOString());

/** RFC 4180, as the exports write it: rows of cells, the header first. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  if (cell !== '' || row.length > 0) rows.push([...row, cell]);
  return rows;
}

/** The rows of a CSV as objects by header name. */
export function csvRecords(text: string): Array<Record<string, string>> {
  const [header, ...rows] = parseCsv(text);
  return rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
}

// ---------------------------------------------------------------- the checked client

type GraphQLError = { message: string; path?: Array<string | number>; extensions?: Record<string, unknown> };
export type Answer = { ok: true; data: any } | { ok: false; code: string; errors: GraphQLError[] };

/** What the server may never say about itself: a stack, a file, SQL or Prisma. */
const LEAK = /\n\s+at |node_modules|\.ts:\d+:\d+|Invalid `prisma|prisma\.|relation "|syntax error at or near|violates .* constraint|SELECT |INSERT INTO|UPDATE .* SET/;

/** The JSON body of a request, each {@link RawJson} spliced in as its text. */
export function requestBody(query: string, variables: Record<string, unknown>): string {
  const raws: string[] = [];
  const json = JSON.stringify({ query, variables }, (_key, value) => (value instanceof RawJson ? `@@raw:${raws.push(value.text) - 1}@@` : value));
  return json.replace(/"@@raw:(\d+)@@"/g, (_all, i: string) => raws[Number(i)]);
}

/** A GraphQL client whose every answer is checked: contract codes only, nothing leaked, never a 5xx. */
export class Checked {
  constructor(
    readonly server: TestServer,
    readonly adminToken: string,
  ) {}

  /** Sends one operation; errors must be contract codes, other than INTERNAL_SERVER_ERROR. */
  async send(what: string, query: string, variables: Record<string, unknown> = {}, token: string | null = this.adminToken): Promise<Answer> {
    const res = await postJson(this.server.url, requestBody(query, variables), token ? { authorization: `Bearer ${token}` } : {});
    expect(res.status, `${what}: HTTP ${res.status} ${res.text.slice(0, 400)}`).toBeLessThan(500);
    let body: { data?: any; errors?: GraphQLError[] };
    try {
      body = JSON.parse(res.text);
    } catch {
      throw new Error(`${what}: not JSON (HTTP ${res.status}): ${res.text.slice(0, 400)}`);
    }
    for (const error of body.errors ?? []) {
      const code = String(error.extensions?.code ?? 'NO_CODE');
      expect(CONTRACT_CODES as readonly string[], `${what}: ${code} "${error.message}" at ${error.path?.join('.')}`).toContain(code);
      expect(code, `${what}: "${error.message}" at ${error.path?.join('.')}`).not.toBe('INTERNAL_SERVER_ERROR');
      expect(error.message, what).not.toMatch(LEAK);
    }
    if (body.errors?.length) return { ok: false, code: String(body.errors[0].extensions?.code), errors: body.errors };
    return { ok: true, data: body.data };
  }

  /** A read that must answer in full: no error at all. */
  async read(what: string, query: string, variables: Record<string, unknown> = {}, token: string | null = this.adminToken): Promise<any> {
    const answer = await this.send(what, query, variables, token);
    if (!answer.ok) throw new Error(`read ${what} answered ${answer.code}: ${JSON.stringify(answer.errors).slice(0, 600)}`);
    return answer.data;
  }

  /** A CSV export that must answer 200 with a CSV; its rows by header name. */
  async csv(what: string, path: string, params: Record<string, string> = {}): Promise<Array<Record<string, string>>> {
    const query = new URLSearchParams(params).toString();
    const res = await fetch(`${this.server.baseUrl}${path}${query ? `?${query}` : ''}`, { headers: { authorization: `Bearer ${this.adminToken}` } });
    const text = await res.text();
    expect(res.status, `${what}: HTTP ${res.status} ${text.slice(0, 400)}`).toBe(200);
    expect(text, what).not.toMatch(LEAK);
    return csvRecords(text);
  }
}

/**
 * Waits until `find` finds something among `items` (a growing list: webhooks, socket events). The
 * deadline only bounds a lost event; on a loaded machine a webhook can take several seconds (one
 * run failed at 96 s of test time, the usual being 25 to 50 s, while two full suites shared the
 * two cores), so it is generous.
 */
export async function eventually<T, R>(what: string, items: () => readonly T[], find: (items: readonly T[]) => R | undefined, timeoutMs = 30_000): Promise<R> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find(items());
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The webhook body about event `eventId` (`data.transition.eventId`), once the receiver has it. */
export function webhookOf(receiver: WebhookReceiver, eventId: string): Promise<ReceivedWebhook> {
  return eventually(`webhook of event ${eventId}`, () => receiver.requests, (all) => all.find((r) => (r.json.data as any)?.transition?.eventId === eventId));
}

/** The `couponEvents` socket event with this id, once the subscription has it. */
export function socketEventOf(recorded: Recorded<any>, eventId: string): Promise<any> {
  return eventually(`socket event ${eventId}`, () => recorded.values, (all) => all.map((v) => v.data?.couponEvents).find((e) => e?.id === eventId));
}

/** Whether a string is well-formed UTF-16 (no lone surrogate): only those can be written into a URL. */
export const wellFormed = (s: string): boolean => !/\p{Cs}/u.test(s);

/**
 * The run's tag in place of its placeholders: § (as is), ¤ (lower-cased), and ⁶⁴/⁶⁵ padding the
 * string with 9s to that many characters (a code at and past its maximum).
 */
export function tagged<T>(value: T, tag: string): T {
  if (typeof value === 'string') {
    const text = value.replaceAll('§', tag).replaceAll('¤', tag.toLowerCase());
    const pad = /⁶⁴|⁶⁵/.exec(text);
    if (!pad) return text as T;
    const length = pad[0] === '⁶⁴' ? 64 : 65;
    const rest = text.replace(pad[0], '');
    return rest.replace(/(\S)(\s*)$/, (_all, last: string, space: string) => `${last}${'9'.repeat(Math.max(0, length - rest.trim().length))}${space}`) as T;
  }
  if (value instanceof RawJson || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => tagged(v, tag)) as T;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, tagged(v, tag)])) as T;
}

/** A stable text for an assertion message (lone surrogates and controls escaped). */
export const show = (v: unknown): string => {
  const text = v instanceof RawJson ? v.text : JSON.stringify(v, (_k, x) => (Object.is(x, -0) ? '-0' : x));
  return text === undefined ? 'undefined' : text.length > 160 ? `${text.slice(0, 160)}…(${text.length})` : text;
};
