import { requireAmountText, requireJsonDepth } from '@coupons/core';
import { GraphQLScalarType, Kind } from 'graphql';
import { DateTimeResolver, JSONResolver } from 'graphql-scalars';

/**
 * `DateTime`: an ISO-8601 date-time with offset (`2026-01-31T12:00:00.000Z`). Every `Date` field
 * maps to it (see `scalarsMap` in server/schema.ts), so `@Field(() => Date)` is enough.
 */
export const DateTimeScalar = DateTimeResolver;

const json = JSONResolver.toConfig();

/**
 * `JSON`: any JSON value (book metadata, redemption metadata). Use `@Field(() => JSONScalar)`.
 * Values nesting deeper than core's JSON_MAX_DEPTH are refused while the variables are coerced
 * (BAD_USER_INPUT), before type-graphql and the services walk them recursively: a few thousand
 * levels would overflow the stack there (INTERNAL_SERVER_ERROR).
 */
export const JSONScalar = new GraphQLScalarType({
  ...json,
  parseValue(value) {
    requireJsonDepth('JSON', value);
    return json.parseValue ? json.parseValue(value) : value;
  },
  parseLiteral(ast, variables) {
    const value = json.parseLiteral ? json.parseLiteral(ast, variables) : undefined;
    requireJsonDepth('JSON', value);
    return value;
  },
});

/**
 * `Decimal`: an amount of money carried as a string ("12.50"), never a JSON number: a float cannot
 * hold 0.1 exactly, and a shop's totals must add up to the cent. Input is parsed strictly by
 * core's `requireAmountText` (non-negative, at most 14 integer digits and 4 decimals, no
 * exponent; a JSON number or an unquoted literal is refused), BAD_USER_INPUT otherwise, while the
 * variables are coerced. Output is the domain's decimal string, or a decimal.js value as text.
 */
export const DecimalScalar = new GraphQLScalarType<string, string>({
  name: 'Decimal',
  description:
    'A non-negative decimal amount as a string, e.g. "12.50": at most 14 digits before the point and 4 after, no exponent. Never a JSON number.',
  serialize(value) {
    if (typeof value === 'string') return value;
    // decimal.js (Prisma's Decimal): toFixed() never switches to exponent notation.
    if (value && typeof value === 'object' && 'toFixed' in value && typeof value.toFixed === 'function') return String(value.toFixed());
    throw new TypeError(`Decimal cannot represent ${typeof value}: money is a string or a Decimal, never a float`);
  },
  parseValue(value) {
    return requireAmountText('Decimal', value);
  },
  parseLiteral(ast) {
    // An unquoted 12.50 is a float literal: refused like a JSON number.
    return requireAmountText('Decimal', ast.kind === Kind.STRING ? ast.value : undefined);
  },
});
