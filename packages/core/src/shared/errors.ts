import { isLostStatementError } from '@coupons/db';

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
  'ORDER_NOT_ELIGIBLE',
  'RATE_LIMITED',
  'SERVICE_UNAVAILABLE',
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

/**
 * How long a client is asked to wait while the database is away. A restart or a failover takes
 * seconds; a shorter wait only adds load, a longer one delays checkouts that would succeed.
 */
export const DATABASE_RETRY_AFTER_SECONDS = 2;

/** SERVICE_UNAVAILABLE: the database is unreachable or restarting; `retryable` and `retryAfterSeconds` tell a client what to do. */
export const serviceUnavailable = (retryAfterSeconds = DATABASE_RETRY_AFTER_SECONDS) =>
  new DomainError('SERVICE_UNAVAILABLE', `The service is temporarily unavailable; retry in ${retryAfterSeconds} s`, {
    retryable: true,
    retryAfterSeconds,
  });

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}

/**
 * The database errors that have a contract answer, translated in one place: bad input (22xxx,
 * 23505, 23503) and an unreachable or restarting database (SERVICE_UNAVAILABLE, see
 * {@link isDatabaseUnavailable}). A CHECK violation (23514) is deliberately absent: the statements
 * decide every answer, and a CHECK constraint that fires means a bug, answered as one
 * (INTERNAL_SERVER_ERROR; see {@link checkViolation}).
 */
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
    case '23505': // the designed arbiter of codes, emails and idempotency keys
      return new DomainError('BAD_USER_INPUT', 'A value that must be unique already exists');
    case '23503': // a net: a write that points at a row reads it FOR KEY SHARE first and answers NOT_FOUND itself
      return new DomainError('NOT_FOUND', 'A referenced record does not exist');
    default:
      return isDatabaseUnavailable(error) || isLostStatement(error) ? serviceUnavailable() : undefined;
  }
}

// SQLSTATEs of a database that is away for now: 57P01 admin_shutdown (a fast shutdown or
// pg_terminate_backend), 57P02 crash_shutdown, 57P03 cannot_connect_now (starting up or shutting
// down), 53300 too_many_connections, and class 08 (connection exceptions), matched separately.
const UNAVAILABLE_SQLSTATES: ReadonlySet<string> = new Set(['57P01', '57P02', '57P03', '53300']);
// Prisma's own codes for the same: P1001 can't reach, P1002 timed out, P1008 socket timeout,
// P1017 server closed the connection, P2024 pool timeout, P2028 an interactive transaction that
// could not start (no connection within maxWait) or outlived its timeout, P2037 too many connections.
const UNAVAILABLE_PRISMA_CODES: ReadonlySet<string> = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2028', 'P2037']);
// What @prisma/adapter-pg reports in `meta.driverAdapterError.cause.kind` for socket failures.
const UNAVAILABLE_ADAPTER_KINDS: ReadonlySet<string> = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);
// Node's socket errors, as `pg` throws them.
const UNAVAILABLE_ERRNOS: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);
// `pg` and `pg-pool` errors that carry no code: a connection that died under a checked-out client
// (seen inside interactive transactions during a restart), and a pool that could not connect in time.
const UNAVAILABLE_MESSAGES =
  /Connection terminated|connection error and is not queryable|timeout exceeded when trying to connect|Client was closed and is not queryable/;
// A database closed to new sessions for maintenance (ALLOW_CONNECTIONS false): SQLSTATE 55000,
// too broad to match on its own, with this message.
const CLOSED_DATABASE = /is not currently accepting connections/;

/**
 * True when `error` says the database is unreachable or restarting (refused or reset connections,
 * admin/crash shutdown, "starting up", connection exceptions, pool timeouts), wherever `pg`, the
 * driver adapter or Prisma nest it. Such a request did not fail because of what it asked: a
 * client may retry it (with its idempotency key) once the database is back.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  return someInChain(error, (e) => {
    const code = typeof e.code === 'string' ? e.code : undefined;
    if (code && (UNAVAILABLE_SQLSTATES.has(code) || (isSqlState(code) && code.startsWith('08')))) return true;
    if (code && (UNAVAILABLE_PRISMA_CODES.has(code) || UNAVAILABLE_ERRNOS.has(code))) return true;
    if (typeof e.originalCode === 'string' && (UNAVAILABLE_SQLSTATES.has(e.originalCode) || e.originalCode.startsWith('08'))) return true;
    if (typeof e.kind === 'string' && UNAVAILABLE_ADAPTER_KINDS.has(e.kind)) return true;
    const sqlState = code ?? e.originalCode;
    if (sqlState === '55000' && CLOSED_DATABASE.test(String(e.originalMessage ?? e.message))) return true;
    // Only a plain Error (what pg throws): a GraphQLError's message may quote a client's input.
    return e.name === 'Error' && typeof e.message === 'string' && UNAVAILABLE_MESSAGES.test(e.message);
  });
}

/**
 * True when a named prepared statement was missing on the server session (26000) or already there
 * (42P05): requests reach the database through a transaction-mode PgBouncer that keeps no
 * prepared statement between transactions. Nothing of the statement ran, its transaction was
 * rolled back, and the database has turned names off (`createDatabase` in @coupons/db): running
 * the work again succeeds. Answered SERVICE_UNAVAILABLE (retryable) when it is not run again.
 */
export function isLostStatement(error: unknown): boolean {
  return isLostStatementError({ code: pgCode(error) });
}

/**
 * Runs `work`, and once more when it failed on a lost statement ({@link isLostStatement}): for the
 * service's own background work (the lock sweeper, the webhook dispatcher's claim and attempt
 * record), whose transactions touch nothing outside the database, so that the first lost
 * statement behind a PgBouncer is not reported as a failure.
 * Requests are run again by the API (retryConflicts), with their idempotency rules.
 */
export async function againIfStatementLost<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!isLostStatement(error)) throw error;
    return work();
  }
}

/**
 * True for a serialization failure (40001) or a deadlock (40P01): the transaction was rolled back
 * through no fault of the request, and running it again is expected to succeed.
 */
export function isTransactionConflict(error: unknown): boolean {
  const code = pgCode(error);
  return code === '40001' || code === '40P01' || someInChain(error, (e) => e.code === 'P2034' || e.kind === 'TransactionWriteConflict');
}

/**
 * The constraint a CHECK violation (23514) names, or undefined when `error` is not one. The
 * statements decide every contract answer, so a CHECK that fires is a bug to log and count, never
 * an answer. `pg` gives the name in `constraint`; through the driver adapter only the message has it.
 */
export function checkViolation(error: unknown): { constraint: string } | undefined {
  if (pgCode(error) !== '23514') return undefined;
  let constraint: string | undefined;
  someInChain(error, (e) => {
    if (typeof e.constraint === 'string') constraint = e.constraint;
    else {
      const text = [e.originalMessage, e.message].find((m) => typeof m === 'string' && /check constraint "/.test(m)) as string | undefined;
      constraint = text ? /check constraint "([^"]+)"/.exec(text)?.[1] : undefined;
    }
    return constraint !== undefined;
  });
  return { constraint: constraint ?? 'unknown' };
}

/** Tests `test` on `error` and on what it wraps (`cause`, `originalError`, Prisma's driver-adapter error). */
function someInChain(error: unknown, test: (e: Record<string, unknown>) => boolean): boolean {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length > 0 && seen.size < 12) {
    const current = queue.shift();
    if (!current || typeof current !== 'object' || seen.has(current)) continue;
    seen.add(current);
    const e = current as Record<string, unknown>;
    if (test(e)) return true;
    const meta = e.meta as Record<string, unknown> | undefined;
    queue.push(e.cause, e.originalError, meta?.driverAdapterError);
  }
  return false;
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
