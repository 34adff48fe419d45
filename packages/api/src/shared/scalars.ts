import { requireJsonDepth } from '@coupons/core';
import { GraphQLScalarType } from 'graphql';
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
