/** The error codes of the public contract (../shared/DESIGN.md, "Errors"). Clients switch on these. */
export const ERROR_CODES = [
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'BAD_USER_INPUT',
  'INVALID_STATE',
  'LOCK_EXPIRED',
  'LIMIT_REACHED',
  'SOLD_OUT',
  'BOOK_NOT_ACTIVE',
  'RATE_LIMITED',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * The one error type of the domain. Services throw it; the API maps it to a GraphQL error with
 * `extensions.code` in one place (HTTP and WebSocket alike). Anything else is a bug and is masked.
 */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Extra machine-readable detail for clients (`field`, `retryAfterSeconds`, `state` …). */
    readonly details: Record<string, unknown> = {},
  ) {
    // An expected outcome (SOLD_OUT, LIMIT_REACHED …), not a bug, so no stack trace: graphql-js
    // reads `.stack` of every resolver error, and formatting it through tsx's source maps cost
    // ~0.5 ms per error (5% of the API's CPU when 900 of 1,000 racing users hear SOLD_OUT in the
    // last-codes-race benchmark). The message and code say everything a caller or a log needs.
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = stackTraceLimit;
    this.name = 'DomainError';
  }
}

export const notFound = (what: string, id?: string) =>
  new DomainError('NOT_FOUND', id ? `${what} ${JSON.stringify(id)} not found` : `${what} not found`);

export const badInput = (field: string, message: string) =>
  new DomainError('BAD_USER_INPUT', `${field}: ${message}`, { field });

export const forbidden = (message = 'You are not allowed to do this') => new DomainError('FORBIDDEN', message);

export const unauthenticated = (message = 'Sign in first') => new DomainError('UNAUTHENTICATED', message);

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}

/** PostgreSQL error codes that mean "bad input" rather than "bug", translated in one place. */
export function translateDatabaseError(error: unknown): DomainError | undefined {
  const code = pgCode(error);
  switch (code) {
    case '22P02': // invalid_text_representation (e.g. a malformed uuid)
    case '22003': // numeric_value_out_of_range
    case '22001': // string_data_right_truncation
    case '22021': // character_not_in_repertoire (NUL bytes)
    case '22007': // invalid_datetime_format
    case '22008': // datetime_field_overflow
      return new DomainError('BAD_USER_INPUT', 'A value is malformed or out of range');
    case '23505':
      return new DomainError('BAD_USER_INPUT', 'A value that must be unique already exists');
    case '23503':
      return new DomainError('NOT_FOUND', 'A referenced record does not exist');
    case '23514':
      return new DomainError('LIMIT_REACHED', 'A limit enforced by the database was reached');
    default:
      return undefined;
  }
}

/** A SQLSTATE, not one of Prisma's own error codes (P1000…P6999), which have the same shape. */
const isSqlState = (code: unknown): code is string =>
  typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && !/^P[1-9]\d{3}$/.test(code);

/**
 * The SQLSTATE of a `pg` or Prisma driver-adapter error, wherever it is nested. Prisma wraps the
 * database's code (`meta.driverAdapterError.cause.originalCode`) in its own (`P2002`, `P2010` …).
 */
export function pgCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const e = current as Record<string, unknown>;
    if (isSqlState(e.code)) return e.code;
    const meta = e.meta as Record<string, unknown> | undefined;
    if (meta && isSqlState(meta.code)) return meta.code;
    const driver = meta?.driverAdapterError as Record<string, unknown> | undefined;
    const cause = (driver?.cause as Record<string, unknown>) ?? undefined;
    if (cause && typeof cause.originalCode === 'string') return cause.originalCode;
    current = e.cause ?? driver;
  }
  return undefined;
}
