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
  | 'INTERNAL_SERVER_ERROR'
  | 'NETWORK_ERROR';

export interface DescribedError {
  code: ErrorCode | string;
  message: string;
  /** The input field a `BAD_USER_INPUT` names, when the API says which. */
  field: string | null;
}

/** Turns whatever Apollo (or fetch) threw into the contract's code and a readable message. */
export function describeError(error: unknown): DescribedError {
  if (CombinedGraphQLErrors.is(error)) {
    const first = error.errors[0];
    const extensions = (first?.extensions ?? {}) as Record<string, unknown>;
    const code = typeof extensions.code === 'string' ? extensions.code : 'INTERNAL_SERVER_ERROR';
    const message = first?.message ?? 'The request failed';
    return { code, message, field: fieldOf(code, message, extensions) };
  }
  if (ServerError.is(error)) {
    const body = parseJson(error.bodyText);
    const nested = body?.errors?.[0];
    if (nested) {
      const code = typeof nested.extensions?.code === 'string' ? nested.extensions.code : `HTTP_${error.statusCode}`;
      return { code, message: nested.message ?? error.message, field: fieldOf(code, nested.message ?? '', nested.extensions ?? {}) };
    }
    return { code: `HTTP_${error.statusCode}`, message: error.message, field: null };
  }
  if (error instanceof Error) {
    const network = error.name === 'TypeError' || /fetch|network/i.test(error.message);
    return { code: network ? 'NETWORK_ERROR' : 'INTERNAL_SERVER_ERROR', message: network ? 'The API cannot be reached' : error.message, field: null };
  }
  return { code: 'INTERNAL_SERVER_ERROR', message: String(error), field: null };
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
