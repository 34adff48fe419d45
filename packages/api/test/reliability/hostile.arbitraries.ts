import fc from 'fast-check';
import {
  type GraphQLArgument,
  type GraphQLInputType,
  GraphQLEnumType,
  GraphQLInputObjectType,
  GraphQLList,
  GraphQLNonNull,
  GraphQLScalarType,
} from 'graphql';

/**
 * fast-check arbitraries of what an attacker (or a broken client) sends: strings built to break
 * parsers, SQL, JSON, CSV and Unicode handling; numbers at and past every boundary; values of
 * the wrong JSON type; and, for any GraphQL input type, a value of that type made of those.
 */

const SQL = ["' OR 1=1 --", "'; DROP TABLE coupon; --", "\\'", '" OR ""="', '%', '_%_', '$1', 'NULL', "' UNION SELECT password_hash FROM app_user --", '\\x00'];
const JSON_SHAPED = ['{"$gt": ""}', '{"__proto__": {"admin": true}}', 'constructor', '__proto__', '[]', 'null', 'true', '1e309', '{"a":'];
const CSV = ['=CMD|\' /C calc\'!A0', '+1+1', '-2+3', '@SUM(A1)', '"', '""', '"a,b"', 'a,"b', '\r', '\n', '\r\n', '\uFEFFcode', 'code\ncode', ',,,', '"unterminated\nline'];
const UNICODE = [
  '\u0000', 'a\u0000b', '\u0007\u001b[31m', '\u202Eevil', '\u200B', 'İı', 'ß', 'ﬃ', 'Ａ１', '🎟️💸', 'e\u0301', '\uD800', '\uDFFF', '\uFFFF',
  'Z̸̢͍̓a̴l̷g̸o̵', '𝐂𝐎𝐃𝐄', 'Ⅻ', '٣٤٥', '\t \n', '   ',
];
// biome-ignore lint/suspicious/noTemplateCurlyInString: a log4shell-shaped string, on purpose
const MISC = ['', ' ', 'undefined', 'NaN', '../../etc/passwd', '<script>alert(1)</script>', '%s%n%x', '${jndi:ldap://x}', '\\', '/'];

/** Strings that have broken real systems, alone or glued to random text. */
export function hostileString(): fc.Arbitrary<string> {
  const named = fc.constantFrom(...SQL, ...JSON_SHAPED, ...CSV, ...UNICODE, ...MISC);
  return fc.oneof(
    { weight: 4, arbitrary: named },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
    { weight: 2, arbitrary: fc.tuple(fc.string({ maxLength: 10 }), named, fc.string({ maxLength: 10 })).map(([a, b, c]) => a + b + c) },
    { weight: 1, arbitrary: fc.tuple(named, fc.integer({ min: 1, max: 2_000 })).map(([s, n]) => (s || 'x').repeat(n)) },
    { weight: 1, arbitrary: fc.constantFrom(65, 200, 1_000, 100_000).map((n) => 'A'.repeat(n)) },
  );
}

/** Integers at and past every boundary the schema and the database have (never a slow valid size). */
export function hostileInt(): fc.Arbitrary<number> {
  return fc.oneof(
    fc.integer({ min: -100, max: 100 }),
    fc.constantFrom(0, -1, -2_147_483_648, -2_147_483_649, 2_147_483_647, 2_147_483_648, 2 ** 53 - 1, -(2 ** 53) + 1, 1e15, 10_000_001, 86_401),
    fc.constantFrom(1.5, -0.5, 1e308, -1e308, 5e-324),
  );
}

/** Floats for money and percentages: tiny, huge, too precise, negative zero. */
export function hostileFloat(): fc.Arbitrary<number> {
  return fc.oneof(
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.constantFrom(0, -0, 0.001, 100.005, 100, 100.01, 9_999_999_999.99, 1e10, 1e308, -1, 5e-324, 33.333333),
  );
}

/** Date-times and things that are almost date-times. */
export function hostileDateTime(): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.date({ min: new Date(-8_640_000_000_000_000), max: new Date(8_640_000_000_000_000), noInvalidDate: true }).map((d) => d.toISOString()),
    fc.constantFrom('2026-02-30T00:00:00Z', '0000-01-01T00:00:00Z', '9999-12-31T23:59:59.999Z', '+275760-09-13T00:00:00Z', '2026-13-01', 'yesterday', '', '1e10', '2026-01-01T00:00:00+25:00'),
    hostileInt(),
  );
}

/** Any JSON value, deep or wide, including NUL characters and prototype keys. */
export function jsonValue(): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 5, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(JSON.parse('{"__proto__": {"admin": true}}'), { constructor: { prototype: 1 } }, { k: '\u0000' }, { '\u0000': 1 }),
    },
    { weight: 1, arbitrary: fc.integer({ min: 20, max: 300 }).map(nested) },
    { weight: 2, arbitrary: deepJson() },
    { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 20_000 }).map((n) => ({ wide: 'x'.repeat(n) })) },
  );
}

/**
 * JSON nested thousands of levels deep, as a placeholder that {@link toRequestBody} splices in as
 * text: building and serializing such a value in the test would overflow the test's own stack.
 */
export function deepJson(): fc.Arbitrary<string> {
  return fc.tuple(fc.constantFrom('array', 'object'), fc.constantFrom(40, 1_000, 3_000, 10_000, 100_000)).map(([kind, depth]) => `@@deep:${kind}:${depth}@@`);
}

/** The JSON body of a GraphQL request, with {@link deepJson} placeholders expanded. */
export function toRequestBody(query: string, variables: unknown): string {
  return JSON.stringify({ query, variables }).replace(/"@@deep:(array|object):(\d+)@@"/g, (_all, kind: string, depth: string) => {
    const n = Number(depth);
    return kind === 'array' ? `${'['.repeat(n)}1${']'.repeat(n)}` : `${'{"v":'.repeat(n)}1${'}'.repeat(n)}`;
  });
}

/** An opaque pagination cursor (base64url of a JSON array) holding hostile values. */
export function hostileCursor(): fc.Arbitrary<string> {
  const item = fc.oneof(hostileString(), hostileInt(), fc.constantFrom('99999999999999999999999', '-1', '0', '1e5', '2026-01-01T00:00:00Z', '00000000-0000-0000-0000-000000000000'));
  const values = fc.oneof({ weight: 3, arbitrary: item.map((v) => [v]) }, { weight: 1, arbitrary: fc.array(item, { maxLength: 3 }) });
  return values.map((list) => Buffer.from(JSON.stringify(list)).toString('base64url'));
}

function nested(depth: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = { v: value };
  return value;
}

/** Valid values for some arguments (real ids, codes, emails), so fuzzing reaches past the first check. */
export type RealValues = Record<string, readonly unknown[]>;

/**
 * A value for a GraphQL input type: usually of that type but hostile in content; sometimes
 * null where it may not be, or a value of the wrong JSON type entirely (a client with a bug).
 * `name` is the argument or field name, used to mix in real values from `real`.
 */
export function valueFor(type: GraphQLInputType, name: string, real: RealValues, depth = 0): fc.Arbitrary<unknown> {
  const wrongType = fc.oneof(jsonValue(), fc.constant(null));
  const typed = typedValue(type, name, real, depth);
  return fc.oneof({ weight: 12, arbitrary: typed }, { weight: 1, arbitrary: wrongType });
}

function typedValue(type: GraphQLInputType, name: string, real: RealValues, depth: number): fc.Arbitrary<unknown> {
  if (type instanceof GraphQLNonNull) return typedValue(type.ofType, name, real, depth);
  if (type instanceof GraphQLList) {
    const item = valueFor(type.ofType, name, real, depth + 1);
    return fc.oneof(
      { weight: 4, arbitrary: fc.array(item, { maxLength: 6 }) },
      { weight: 1, arbitrary: item }, // GraphQL coerces one value to a list of one
      // Long lists of short hostile items (long lists of long strings are the body limit's job).
      { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...SQL, ...CSV, ...UNICODE, 'CODE-1'), fc.constantFrom(2_000, 20_000)).map(([v, n]) => Array<string>(n).fill(v)) },
    );
  }
  if (type instanceof GraphQLInputObjectType) {
    if (depth > 3) return fc.constant({});
    const fields = Object.values(type.getFields());
    const entries = Object.fromEntries(fields.map((f) => [f.name, valueFor(f.type, f.name, real, depth + 1)]));
    return fc.record(entries, { requiredKeys: fields.filter((f) => f.type instanceof GraphQLNonNull).map((f) => f.name) });
  }
  if (type instanceof GraphQLEnumType) {
    return fc.oneof(fc.constantFrom(...type.getValues().map((v) => v.value as string)), hostileString());
  }
  const known = real[name];
  const withReal = (hostile: fc.Arbitrary<unknown>) =>
    known && known.length > 0 ? fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...known) }, { weight: 3, arbitrary: hostile }) : hostile;
  switch ((type as GraphQLScalarType).name) {
    case 'Int':
      return withReal(hostileInt());
    case 'Float':
      return withReal(hostileFloat());
    case 'Boolean':
      return fc.oneof(fc.boolean(), fc.constantFrom('true', 0, 1));
    case 'DateTime':
      return withReal(hostileDateTime());
    case 'JSON':
      return withReal(jsonValue());
    case 'ID':
      return withReal(fc.oneof(hostileString(), fc.uuid().map(String), hostileInt()));
    default:
      // Cursors are strings with a structure of their own: fuzz inside it too.
      return withReal(name === 'after' ? fc.oneof({ weight: 1, arbitrary: hostileString() }, { weight: 3, arbitrary: hostileCursor() }) : hostileString());
  }
}

/**
 * A plausible value for a type from the real values known for `name` (or an enum's values), or
 * undefined when none is known: the baseline a single hostile argument is swapped into.
 */
function baselineFor(type: GraphQLInputType, name: string, real: RealValues): fc.Arbitrary<unknown> | undefined {
  if (type instanceof GraphQLNonNull) return baselineFor(type.ofType, name, real);
  if (type instanceof GraphQLList) return baselineFor(type.ofType, name, real)?.map((v) => [v]);
  if (type instanceof GraphQLInputObjectType) return objectWithHostile(type, real, null);
  if (type instanceof GraphQLEnumType) return fc.constantFrom(...type.getValues().map((v) => v.value as string));
  const known = real[name];
  return known && known.length > 0 ? fc.constantFrom(...known) : undefined;
}

/** An input object with plausible fields, except `hostile` (one field name) which gets a hostile value. */
function objectWithHostile(type: GraphQLInputObjectType, real: RealValues, hostile: string | null): fc.Arbitrary<Record<string, unknown>> {
  const entries: Record<string, fc.Arbitrary<unknown>> = {};
  const required: string[] = [];
  for (const field of Object.values(type.getFields())) {
    const base = field.name === hostile ? undefined : baselineFor(field.type, field.name, real);
    if (base) entries[field.name] = base;
    else if (field.name === hostile || field.type instanceof GraphQLNonNull) entries[field.name] = valueFor(field.type, field.name, real, 1);
    else continue;
    required.push(field.name);
  }
  return fc.record(entries, { requiredKeys: required });
}

/**
 * Arguments for a field: half the time all hostile, half the time plausible but for ONE argument
 * (or one field of an input object) — so that a hostile value reaches the deepest check it can.
 */
export function argumentsFor(args: readonly GraphQLArgument[], real: RealValues): fc.Arbitrary<Record<string, unknown>> {
  const allHostile = fc.record(Object.fromEntries(args.map((a) => [a.name, valueFor(a.type, a.name, real)])), { requiredKeys: [] });
  if (args.length === 0) return allHostile;
  const oneHostile = fc.nat({ max: args.length - 1 }).chain((target) => {
    const entries: Record<string, fc.Arbitrary<unknown>> = {};
    args.forEach((arg, i) => {
      const named = arg.type instanceof GraphQLNonNull ? arg.type.ofType : arg.type;
      if (i === target && named instanceof GraphQLInputObjectType) {
        const fields = Object.keys(named.getFields());
        entries[arg.name] = fc.constantFrom(...fields).chain((f) => objectWithHostile(named, real, f));
      } else if (i === target) {
        entries[arg.name] = valueFor(arg.type, arg.name, real);
      } else {
        const base = baselineFor(arg.type, arg.name, real);
        if (base) entries[arg.name] = base;
        else if (arg.type instanceof GraphQLNonNull) entries[arg.name] = valueFor(arg.type, arg.name, real);
      }
    });
    return fc.record(entries);
  });
  return fc.oneof(allHostile, oneHostile);
}

/** CSV that is malformed, huge in one dimension, or full of injection-shaped cells. */
export function hostileCsv(): fc.Arbitrary<string> {
  const cell = fc.oneof(hostileString(), fc.stringMatching(/^[A-Z0-9-]{3,12}$/));
  const line = fc.array(cell, { minLength: 1, maxLength: 4 }).map((cells) => cells.join(','));
  return fc.oneof(
    fc.array(line, { maxLength: 30 }).chain((lines) => fc.constantFrom('\n', '\r\n', '\r').map((eol) => lines.join(eol))),
    fc.constantFrom('"', '"code\n', 'code\n"A"B"', '\uFEFF', 'a,b\n"c', '\u0000\u0000', 'code,code\nX,Y', ',\n,\n,', `${'A,'.repeat(50_000)}\n`),
    fc.integer({ min: 10_000, max: 200_000 }).map((n) => 'CODE-X\n'.repeat(n)),
  );
}
