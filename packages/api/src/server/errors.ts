import type { ApolloServerPlugin } from '@apollo/server';
import { type DomainError, ERROR_CODES, type ErrorCode, isDomainError, pgCode, translateDatabaseError } from '@coupons/core';
import {
  type ExecutionResult,
  type FormattedExecutionResult,
  GraphQLError,
  type GraphQLFormattedError,
} from 'graphql';
import type { Logger } from 'pino';

/**
 * The one mapping from anything thrown during a GraphQL operation to what a client may see,
 * used by Apollo's `formatError` (HTTP) and by graphql-ws' `onNext`/`onError` (WebSocket):
 *
 * - DomainError                               → its code, message and details
 * - a PostgreSQL error we understand          → `translateDatabaseError` (23505 → BAD_USER_INPUT …;
 *                                               the database away → SERVICE_UNAVAILABLE, retryable)
 * - type-graphql argument validation          → BAD_USER_INPUT naming each field
 * - parse / validation / bad variables / limits (a GraphQLError raised before execution) → BAD_USER_INPUT
 * - `PERSISTED_QUERY_NOT_FOUND` / `PERSISTED_QUERY_NOT_SUPPORTED` → unchanged (see {@link PROTOCOL_CODES})
 * - anything else                             → INTERNAL_SERVER_ERROR, generic message, logged;
 *                                               never a stack or SQL, in any environment; the
 *                                               request id in `extensions.requestId` where the
 *                                               request is known (see {@link errorResponsePlugin})
 *
 * A CHECK violation is "anything else" (a bug, see mutation-faults.ts), logged with the
 * transition and constraint it names.
 */
export interface ErrorFormatter {
  /** Maps one error (Apollo gives the GraphQLError wrapping the thrown value). */
  format(error: unknown): GraphQLFormattedError;
  /**
   * Maps the errors of a graphql-ws `next` payload, leaving `data` alone; logs them as
   * {@link logErrors} and puts the request id on INTERNAL_SERVER_ERROR answers.
   */
  formatResult(result: ExecutionResult, request?: ErrorLogContext): FormattedExecutionResult;
  /** The `extensions.code` {@link format} would give, without logging (for metrics). */
  codeOf(error: unknown): string;
  /**
   * Logs one request's errors with its request id: unexpected ones at `error` (once each, so
   * {@link format} does not log them again), the others at `debug` with their code and path.
   */
  logErrors(errors: readonly unknown[], request: ErrorLogContext): void;
}

/** What ties an error's log line to its request. */
export interface ErrorLogContext {
  requestId?: string;
  operation?: string | null;
}

export interface ErrorFormatterOptions {
  logger: Logger;
  /** Production logs carry no stack (logs may leave the team); development logs do. */
  isProduction: boolean;
  /** Without introspection, "Did you mean …?" hints would leak field names: drop them. */
  hideSchemaHints: boolean;
}

export const INTERNAL_MESSAGE = 'Internal server error';

const CONTRACT_CODES = new Set<string>(ERROR_CODES);

/**
 * Codes of the automatic persisted queries protocol, passed through with Apollo's own message
 * (`PersistedQueryNotFound`). They are not contract errors but signals a client library acts on:
 * Apollo Client's persisted-query link resends the full query on NOT_FOUND and stops hashing on
 * NOT_SUPPORTED. Mapped to BAD_USER_INPUT, the link would give up instead of retrying.
 */
export const PROTOCOL_CODES: ReadonlySet<string> = new Set(['PERSISTED_QUERY_NOT_FOUND', 'PERSISTED_QUERY_NOT_SUPPORTED']);

export function createErrorFormatter(options: ErrorFormatterOptions): ErrorFormatter {
  // Unexpected errors already logged with their request (HTTP logs them before formatting).
  const logged = new WeakSet<object>();
  const logOnce = (error: unknown, request: ErrorLogContext) => {
    const original = innermost(error);
    if (typeof original === 'object' && original !== null) {
      if (logged.has(original)) return;
      logged.add(original);
    }
    logUnexpected(options, error, request);
  };
  const logErrors = (errors: readonly unknown[], request: ErrorLogContext) => {
    for (const error of errors) {
      const known = classify(error, options.hideSchemaHints);
      if (!known) logOnce(error, request);
      else if (pgCode(innermost(error)) === '23503') {
        // The answer (NOT_FOUND) is right, but a foreign key gave it: a bug (mutation-faults.ts counts it).
        const path = error instanceof GraphQLError ? error.path?.join('.') : undefined;
        options.logger.warn({ ...request, code: known.code, path }, 'A foreign key decided this answer: the statement should read the row it points at first');
      } else if (options.logger.isLevelEnabled('debug')) {
        const path = error instanceof GraphQLError ? error.path?.join('.') : undefined;
        options.logger.debug({ ...request, code: known.code, path }, 'GraphQL error');
      }
    }
  };
  const format = (error: unknown): GraphQLFormattedError => {
    const graphQLError = error instanceof GraphQLError ? error : undefined;
    const where = {
      ...(graphQLError?.locations ? { locations: graphQLError.locations } : {}),
      ...(graphQLError?.path ? { path: graphQLError.path } : {}),
    };
    const known = classify(error, options.hideSchemaHints);
    if (known) return { message: known.message, ...where, extensions: { ...known.details, code: known.code } };
    logOnce(error, {});
    return { message: INTERNAL_MESSAGE, ...where, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  };
  return {
    format,
    formatResult: (result, request) => {
      if (!result.errors) return result;
      if (request) logErrors(result.errors, request);
      const errors = result.errors.map(format);
      return { ...result, errors: request?.requestId ? errors.map((e) => withRequestId(e, request.requestId as string)) : errors };
    },
    codeOf: (error) => classify(error, options.hideSchemaHints)?.code ?? 'INTERNAL_SERVER_ERROR',
    logErrors,
  };
}

interface Classified {
  code: ErrorCode | 'PERSISTED_QUERY_NOT_FOUND' | 'PERSISTED_QUERY_NOT_SUPPORTED';
  message: string;
  details?: Record<string, unknown>;
}

function classify(error: unknown, hideSchemaHints: boolean): Classified | undefined {
  const domain = findDomainError(error);
  if (domain) {
    const variable = coercedVariable(error, domain);
    if (variable) return { code: domain.code, message: variable.message, details: { ...domain.details, field: variable.field } };
    return { code: domain.code, message: domain.message, details: domain.details };
  }
  // A safety net that fired (mutation-faults.ts) is a bug, whatever the SQLSTATE in its cause.
  if ((innermost(error) as { name?: unknown } | null)?.name === 'ConstraintViolation') return undefined;
  const translated = translateDatabaseError(innermost(error));
  if (translated) return { code: translated.code, message: translated.message, details: translated.details };
  if (!(error instanceof GraphQLError)) return undefined;

  const protocolCode = String(error.extensions?.code ?? '');
  if (PROTOCOL_CODES.has(protocolCode) && !error.path) {
    return { code: protocolCode as Classified['code'], message: error.message };
  }

  const validation = argumentValidationMessage(error);
  if (validation) return { code: 'BAD_USER_INPUT', message: validation.message, details: { fields: validation.fields } };

  // A GraphQLError raised on purpose with a contract code (an operation limit, type-graphql's
  // AuthenticationError …), possibly wrapped by graphql-js with a path.
  const code = String(error.extensions?.code ?? '');
  if (CONTRACT_CODES.has(code) && innermost(error) instanceof GraphQLError) {
    return { code: code as ErrorCode, message: error.message, details: publicExtensions(error) };
  }

  // Raised before execution (no path): syntax, validation against the schema, variable coercion,
  // an unknown operation name. The messages come from graphql-js and name the offending field.
  if (!error.path) {
    const message = hideSchemaHints ? error.message.replace(/ ?Did you mean .+\?$/, '') : error.message;
    return { code: 'BAD_USER_INPUT', message };
  }
  return undefined;
}

/**
 * A scalar (Decimal, JSON) refused a variable's value while graphql-js coerced the variables: its
 * DomainError can only name the scalar ("Decimal"), but graphql-js's message says where the value
 * was (`Variable "$order" got invalid value "1e3" at "order.amount"; …`): the field becomes that
 * path (in the message too), so a client learns which amount was wrong. Nothing for any other error.
 */
function coercedVariable(error: unknown, domain: DomainError): { field: string; message: string } | undefined {
  if (!(error instanceof GraphQLError) || error.path || typeof domain.details.field !== 'string') return undefined;
  const where = /^Variable "\$([^"]+)" got invalid value .*?(?: at "([^"]+)")?; /s.exec(error.message);
  if (!where) return undefined;
  const field = where[2] ?? where[1];
  const prefix = `${domain.details.field}: `;
  return { field, message: domain.message.startsWith(prefix) ? `${field}: ${domain.message.slice(prefix.length)}` : domain.message };
}

/** A DomainError anywhere in the `originalError` / `cause` chain. */
function findDomainError(error: unknown): DomainError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    if (isDomainError(current)) return current;
    // Realm-safe fallback (vitest can load core twice): same name and a contract code.
    const e = current as { name?: unknown; code?: unknown; originalError?: unknown; cause?: unknown };
    if (e.name === 'DomainError' && typeof e.code === 'string' && CONTRACT_CODES.has(e.code)) {
      return current as DomainError;
    }
    current = e.originalError ?? e.cause;
  }
  return undefined;
}

function innermost(error: unknown): unknown {
  let current = error;
  while (current instanceof GraphQLError && current.originalError) current = current.originalError;
  return current;
}

interface ValidationErrorLike {
  property: string;
  constraints?: Record<string, string>;
  children?: ValidationErrorLike[];
}

/** type-graphql's ArgumentValidationError says only "Argument Validation Error": name the fields. */
function argumentValidationMessage(error: GraphQLError): { message: string; fields: string[] } | undefined {
  const source = (error.originalError as GraphQLError | undefined) ?? error;
  const list = source.extensions?.validationErrors as ValidationErrorLike[] | undefined;
  if (!Array.isArray(list)) return undefined;
  const parts: string[] = [];
  const fields: string[] = [];
  const walk = (items: ValidationErrorLike[], prefix: string) => {
    for (const item of items) {
      const field = prefix ? `${prefix}.${item.property}` : item.property;
      if (item.constraints) {
        fields.push(field);
        parts.push(`${field}: ${Object.values(item.constraints).join('; ')}`);
      }
      if (item.children?.length) walk(item.children, field);
    }
  };
  walk(list, '');
  return { message: parts.length ? `Invalid argument ${parts.join(', ')}` : 'Invalid argument', fields };
}

/** Extensions safe to echo (drops Apollo's internal `http` and any `exception`/`stacktrace`). */
function publicExtensions(error: GraphQLError): Record<string, unknown> {
  const { code: _code, http: _http, exception: _exception, stacktrace: _stacktrace, ...rest } = error.extensions ?? {};
  return rest;
}

function logUnexpected(options: ErrorFormatterOptions, error: unknown, request: ErrorLogContext): void {
  const original = innermost(error);
  const path = error instanceof GraphQLError ? error.path?.join('.') : undefined;
  const e = original as { name?: string; message?: string; constraint?: string; operation?: string; sqlState?: string };
  const err = options.isProduction ? { type: e?.name, message: e?.message, sqlState: pgCode(original) } : original;
  if (e?.name === 'ConstraintViolation') {
    // mutation-faults.ts: the statements decide every answer, so a CHECK that fires is a bug.
    options.logger.error(
      { ...request, transition: e.operation, constraint: e.constraint, sqlState: e.sqlState ?? '23514', err, path },
      `${e.message ?? `CHECK constraint ${e.constraint} violated in ${e.operation}`}: a bug, answered INTERNAL_SERVER_ERROR`,
    );
    return;
  }
  options.logger.error({ ...request, err, path }, 'Unexpected error');
}

/** An INTERNAL_SERVER_ERROR answer carries the request id: what a client quotes to find the log line. */
function withRequestId(error: GraphQLFormattedError, requestId: string): GraphQLFormattedError {
  if (error.extensions?.code !== 'INTERNAL_SERVER_ERROR') return error;
  return { ...error, extensions: { ...error.extensions, requestId } };
}

/**
 * Apollo plugin: logs each HTTP request's errors with its request id and operation name before
 * `formatError` runs (which has no request context): see {@link ErrorFormatter.logErrors}.
 */
export function errorLoggingPlugin(errors: ErrorFormatter): ApolloServerPlugin<{ requestId?: string }> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors: list, contextValue, operationName, request }) {
          errors.logErrors(list, { requestId: contextValue.requestId, operation: operationName ?? request.operationName ?? null });
        },
      };
    },
  };
}

/** What a contract code means on the wire beyond `extensions.code`. */
export interface ErrorAnswer {
  /** HTTP status of a plain HTTP route (the CSV exports) that fails with this code. */
  status: number;
  /**
   * True when a GraphQL-over-HTTP response carrying this error takes {@link status} too. Only an
   * outage does: proxies and HTTP tooling must see it; every other GraphQL error keeps HTTP 200
   * (the answer may hold data beside the error).
   */
  overGraphQL?: boolean;
  /** The answer says when to come back: `extensions.retryAfterSeconds`, and `Retry-After` over HTTP. */
  retryAfter?: boolean;
}

/**
 * The one table from an error code to its HTTP answer, for GraphQL over HTTP
 * ({@link errorResponsePlugin}) and the plain routes ({@link routeErrorResponse}); graphql-ws has
 * no status and carries the same `extensions`. Exhaustive: a new contract code does not compile
 * until it has a row.
 */
export const ERROR_ANSWERS = {
  UNAUTHENTICATED: { status: 401 },
  FORBIDDEN: { status: 403 },
  NOT_FOUND: { status: 404 },
  BAD_USER_INPUT: { status: 400 },
  // The request was understood but conflicts with the coupon's or book's current state.
  INVALID_STATE: { status: 409 },
  LOCK_EXPIRED: { status: 409 },
  LIMIT_REACHED: { status: 409 },
  SOLD_OUT: { status: 409 },
  BOOK_NOT_ACTIVE: { status: 409 },
  ORDER_NOT_ELIGIBLE: { status: 409 },
  RATE_LIMITED: { status: 429, retryAfter: true },
  SERVICE_UNAVAILABLE: { status: 503, overGraphQL: true, retryAfter: true },
  INTERNAL_SERVER_ERROR: { status: 500 },
  PERSISTED_QUERY_NOT_FOUND: { status: 400 },
  PERSISTED_QUERY_NOT_SUPPORTED: { status: 400 },
} as const satisfies Record<ErrorCode | 'INTERNAL_SERVER_ERROR' | 'PERSISTED_QUERY_NOT_FOUND' | 'PERSISTED_QUERY_NOT_SUPPORTED', ErrorAnswer>;

/** The {@link ErrorAnswer} of a formatted error's `extensions.code` (an unknown code is a 500). */
export function errorAnswerOf(error: GraphQLFormattedError): ErrorAnswer {
  const code = String(error.extensions?.code ?? 'INTERNAL_SERVER_ERROR');
  return (ERROR_ANSWERS as Record<string, ErrorAnswer>)[code] ?? ERROR_ANSWERS.INTERNAL_SERVER_ERROR;
}

/**
 * The HTTP status and `Retry-After` seconds of an answer carrying `errors` (already formatted):
 * over `graphql` the status changes only for an {@link ErrorAnswer.overGraphQL} code (else
 * undefined: HTTP 200); a plain `route` answers the status of its (first) error. `Retry-After` is
 * the largest `retryAfterSeconds` asked for by a code with {@link ErrorAnswer.retryAfter}.
 */
export function httpAnswerOf(
  errors: readonly GraphQLFormattedError[],
  transport: 'graphql' | 'route',
): { status?: number; retryAfterSeconds?: number } {
  const answers = errors.map((error) => ({ error, answer: errorAnswerOf(error) }));
  const status =
    transport === 'route' ? (answers[0]?.answer.status ?? 500) : answers.find(({ answer }) => answer.overGraphQL)?.answer.status;
  const seconds = answers
    .filter(({ answer }) => answer.retryAfter)
    .map(({ error }) => Number(error.extensions?.retryAfterSeconds))
    .filter((n) => Number.isFinite(n) && n > 0);
  return { status, retryAfterSeconds: seconds.length ? Math.ceil(Math.max(...seconds)) : undefined };
}

/**
 * Apollo plugin: what the HTTP response says beyond the formatted errors (which Apollo has
 * produced by `willSendResponse`):
 *
 * - an INTERNAL_SERVER_ERROR carries the request id in `extensions.requestId` (also echoed in the
 *   `X-Request-Id` header), so a client can report it and an operator find the log line;
 * - SERVICE_UNAVAILABLE answers HTTP 503, so proxies and HTTP tooling see an outage too;
 * - RATE_LIMITED and SERVICE_UNAVAILABLE set `Retry-After` (seconds, the largest asked for); a
 *   RATE_LIMITED answer keeps HTTP 200, like every other GraphQL error.
 *
 * (All of it from {@link ERROR_ANSWERS}.)
 */
export function errorResponsePlugin(): ApolloServerPlugin<{ requestId?: string }> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue }) {
          if (response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          if (!result.errors?.length) return;
          if (contextValue.requestId) {
            result.errors = result.errors.map((e) => withRequestId(e, contextValue.requestId as string));
          }
          const { status, retryAfterSeconds } = httpAnswerOf(result.errors, 'graphql');
          if (status) response.http.status = status;
          if (retryAfterSeconds) response.http.headers.set('retry-after', String(retryAfterSeconds));
        },
      };
    },
  };
}

/** The error answer of a plain HTTP route: status, headers and a GraphQL-shaped JSON body. */
export interface RouteErrorResponse {
  status: number;
  headers: Record<string, string>;
  body: { errors: GraphQLFormattedError[] };
}

/**
 * Answers an error thrown by a plain HTTP route (the CSV exports) exactly as a GraphQL request
 * would be answered, with the status of {@link ERROR_ANSWERS}: the same classification (a
 * DomainError, a translated database error, an outage as SERVICE_UNAVAILABLE with `Retry-After`),
 * the same logging (an unexpected error once, at `error`, with the request id), the same masking
 * (INTERNAL_SERVER_ERROR with the request id, never a stack or SQL).
 */
export function routeErrorResponse(errors: ErrorFormatter, error: unknown, request: ErrorLogContext): RouteErrorResponse {
  errors.logErrors([error], request);
  const formatted = request.requestId ? withRequestId(errors.format(error), request.requestId) : errors.format(error);
  const { status, retryAfterSeconds } = httpAnswerOf([formatted], 'route');
  return {
    status: status ?? 500,
    headers: retryAfterSeconds ? { 'retry-after': String(retryAfterSeconds) } : {},
    body: { errors: [formatted] },
  };
}
