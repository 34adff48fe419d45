import { DateTimeResolver, JSONResolver } from 'graphql-scalars';

/**
 * `DateTime`: an ISO-8601 date-time with offset (`2026-01-31T12:00:00.000Z`). Every `Date` field
 * maps to it (see `scalarsMap` in server/schema.ts), so `@Field(() => Date)` is enough.
 */
export const DateTimeScalar = DateTimeResolver;

/** `JSON`: any JSON value (book metadata, redemption metadata). Use `@Field(() => JSONScalar)`. */
export const JSONScalar = JSONResolver;
