import { CombinedGraphQLErrors, ServerError } from '@apollo/client/errors';

/** The error codes of the public contract (shared/DESIGN.md), plus the two the console adds. */
export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'BAD_USER_INPUT'
  | 'INVALID_STATE'
  | 'LOCK_EXPIRED'
  | 'LIMIT_REACHED'
  | 'SOLD_OUT'
  | 'BOOK_NOT_ACTIVE'
  | 'RATE_LIMITED'
  | 'SERVICE_UNAVAILABLE'
  | 'INTERNAL_SERVER_ERROR'
  | 'NETWORK_ERROR';

export interface DescribedError {
  code: ErrorCode | string;
  message: string;
  /** The input field a `BAD_USER_INPUT` names, when the API says which. */
  field: string | null;
  /** How long to wait before trying again (`RATE_LIMITED`, `SERVICE_UNAVAILABLE`), when the API says. */
  retryAfterSeconds?: number;
}

/** Turns whatever Apollo (or fetch) threw into the contract's code and a readable message. */
export function describeError(error: unknown): DescribedError {
  if (CombinedGraphQLErrors.is(error)) {
    const first = error.errors[0];
    const extensions = (first?.extensions ?? {}) as Record<string, unknown>;
    const code = typeof extensions.code === 'string' ? extensions.code : 'INTERNAL_SERVER_ERROR';
    const message = first?.message ?? 'The request failed';
    return described(code, message, extensions);
  }
  if (ServerError.is(error)) {
    const body = parseJson(error.bodyText);
    const nested = body?.errors?.[0];
    // A 503 (SERVICE_UNAVAILABLE) arrives here: Apollo Client treats a non-2xx answer as a ServerError.
    if (nested) {
      const code = typeof nested.extensions?.code === 'string' ? nested.extensions.code : `HTTP_${error.statusCode}`;
      return described(code, nested.message ?? error.message, nested.extensions ?? {});
    }
    return { code: `HTTP_${error.statusCode}`, message: error.message, field: null };
  }
  if (error instanceof Error) {
    const network = error.name === 'TypeError' || /fetch|network/i.test(error.message);
    return { code: network ? 'NETWORK_ERROR' : 'INTERNAL_SERVER_ERROR', message: network ? 'The API cannot be reached' : error.message, field: null };
  }
  return { code: 'INTERNAL_SERVER_ERROR', message: String(error), field: null };
}

function described(code: string, message: string, extensions: Record<string, unknown>): DescribedError {
  const seconds = Number(extensions.retryAfterSeconds);
  const retryAfterSeconds = Number.isFinite(seconds) && seconds > 0 ? seconds : undefined;
  const wait = retryAfterSeconds ? ` in ${retryAfterSeconds} s` : ' in a moment';
  const readable =
    code === 'SERVICE_UNAVAILABLE'
      ? `The service is briefly unavailable (its database is restarting or unreachable): try again${wait}.`
      : code === 'INTERNAL_SERVER_ERROR' && typeof extensions.requestId === 'string'
        ? `Something went wrong on the server. If it happens again, report request ${extensions.requestId}.`
        : message;
  return { code, message: readable, field: fieldOf(code, message, extensions), ...(retryAfterSeconds ? { retryAfterSeconds } : {}) };
}

/** True when the error says the session is no longer valid. */
export function isUnauthenticated(error: unknown): boolean {
  return describeError(error).code === 'UNAUTHENTICATED';
}

function fieldOf(code: string, message: string, extensions: Record<string, unknown>): string | null {
  if (code !== 'BAD_USER_INPUT') return null;
  if (typeof extensions.field === 'string') return extensions.field;
  // Argument validation names every failing field; the first is the one to point at.
  if (Array.isArray(extensions.fields) && typeof extensions.fields[0] === 'string') return extensions.fields[0];
  // The API's convention for BAD_USER_INPUT messages is "<field>: <what is wrong>".
  const match = /^([A-Za-z][\w.]*):\s/.exec(message);
  return match ? (match[1] ?? null) : null;
}

interface ErrorBody {
  errors?: Array<{ message?: string; extensions?: Record<string, unknown> & { code?: unknown } }>;
}

function parseJson(text: string | undefined): ErrorBody | null {
  if (!text) return null;
  try {
    return JSON.parse(text) as ErrorBody;
  } catch {
    return null;
  }
}
