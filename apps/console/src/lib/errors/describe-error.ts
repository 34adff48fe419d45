import { CombinedGraphQLErrors, ServerError } from '@apollo/client/errors';
import { graphql } from '@/gql';
import type { ErrorCode, ErrorExtensionsFieldsFragment as ErrorExtensions } from '@/gql/graphql';

export type { ErrorCode };

/**
 * What a GraphQL error's `extensions` hold. The API declares the shape (and its `ErrorCode` enum)
 * in the schema; this fragment makes codegen emit both for the console. No query spreads it.
 */
export const ErrorExtensionsFragment = graphql(`
  fragment ErrorExtensionsFields on ErrorExtensions {
    code
    field
    fields
    retryAfterSeconds
    retryable
    requestId
  }
`);

/**
 * A readable sentence per contract code, used when the API's own message is missing or must not
 * be shown as is. `Record<ErrorCode, …>`: a code added to the API's enum fails the console's
 * build until it has its sentence here.
 */
export const ERROR_MESSAGES: Record<ErrorCode, string> = {
  UNAUTHENTICATED: 'Your session is no longer valid. Sign in again.',
  FORBIDDEN: 'Your account is not allowed to do this.',
  NOT_FOUND: 'This does not exist, or it is not yours.',
  BAD_USER_INPUT: 'Some of the input is not valid.',
  INVALID_STATE: 'This is not possible in its current state.',
  LOCK_EXPIRED: 'The checkout lock has expired. Lock the coupon again.',
  LIMIT_REACHED: 'A limit of this book is reached.',
  SOLD_OUT: 'No coupon is left in this book.',
  BOOK_NOT_ACTIVE: 'The book is not serving coupons now (paused, archived, or outside its validity window).',
  ORDER_NOT_ELIGIBLE: 'This order cannot use the coupon (below the minimum order, or in another currency).',
  RATE_LIMITED: 'Too many requests. Wait a moment and try again.',
  SERVICE_UNAVAILABLE: 'The service is briefly unavailable (its database is restarting or unreachable).',
  INTERNAL_SERVER_ERROR: 'Something went wrong on the server.',
};

/** Codes the console gives failures that never reached the API's error contract. */
export type ConsoleErrorCode = 'NETWORK_ERROR' | `HTTP_${number}`;

export interface DescribedError {
  /** The contract's code, the console's own, or (from a newer API) an unknown code kept verbatim. */
  code: ErrorCode | ConsoleErrorCode | (string & {});
  message: string;
  /** The input field a `BAD_USER_INPUT` names, when the API says which. */
  field: string | null;
  /** How long to wait before trying again (`RATE_LIMITED`, `SERVICE_UNAVAILABLE`), when the API says. */
  retryAfterSeconds?: number;
}

/** True for the codes of the API's `ErrorCode` enum. */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(ERROR_MESSAGES, code);
}

/** Turns whatever Apollo (or fetch) threw into the contract's code and a readable message. */
export function describeError(error: unknown): DescribedError {
  if (CombinedGraphQLErrors.is(error)) {
    const first = error.errors[0];
    const extensions = (first?.extensions ?? {}) as Partial<ErrorExtensions>;
    const code = typeof extensions.code === 'string' ? extensions.code : 'INTERNAL_SERVER_ERROR';
    return described(code, first?.message, extensions);
  }
  if (ServerError.is(error)) {
    const body = parseJson(error.bodyText);
    const nested = body?.errors?.[0];
    // A 503 (SERVICE_UNAVAILABLE) arrives here: Apollo Client treats a non-2xx answer as a ServerError.
    if (nested) {
      const code = typeof nested.extensions?.code === 'string' ? nested.extensions.code : `HTTP_${error.statusCode}`;
      return described(code, nested.message ?? error.message, nested.extensions ?? {});
    }
    return { code: `HTTP_${error.statusCode}`, message: httpMessage(error.statusCode), field: null };
  }
  if (error instanceof Error) {
    const network = error.name === 'TypeError' || /fetch|network/i.test(error.message);
    return { code: network ? 'NETWORK_ERROR' : 'INTERNAL_SERVER_ERROR', message: network ? NETWORK_MESSAGE : capitalized(error.message), field: null };
  }
  return { code: 'INTERNAL_SERVER_ERROR', message: String(error), field: null };
}

function described(code: string, apiMessage: string | undefined, extensions: Partial<ErrorExtensions>): DescribedError {
  const seconds = Number(extensions.retryAfterSeconds);
  const retryAfterSeconds = Number.isFinite(seconds) && seconds > 0 ? seconds : undefined;
  const message = apiMessage || (isErrorCode(code) ? ERROR_MESSAGES[code] : 'The request failed');
  return {
    code,
    message: capitalized(readableMessage(code, message, extensions, retryAfterSeconds)),
    field: fieldOf(code, message, extensions),
    ...(retryAfterSeconds ? { retryAfterSeconds } : {}),
  };
}

/** The API's message, except where the console knows better what to tell a person. */
function readableMessage(code: string, message: string, extensions: Partial<ErrorExtensions>, retryAfterSeconds: number | undefined): string {
  if (code === 'SERVICE_UNAVAILABLE') {
    return `${ERROR_MESSAGES.SERVICE_UNAVAILABLE.replace(/\.$/, '')}: try again${retryAfterSeconds ? ` in ${retryAfterSeconds} s` : ' in a moment'}.`;
  }
  if (code === 'INTERNAL_SERVER_ERROR' && typeof extensions.requestId === 'string') {
    return `${ERROR_MESSAGES.INTERNAL_SERVER_ERROR} If it happens again, report request ${extensions.requestId}.`;
  }
  return message;
}

/** What a person reads when the request never reached the API. */
export const NETWORK_MESSAGE = 'The console cannot reach the server. Check your connection; it will retry when you try again.';

/** A sentence for an HTTP failure that carried no GraphQL error (a proxy's 502, a 504 timeout). */
export function httpMessage(status: number): string {
  if (status === 502 || status === 503 || status === 504) return 'The server is not answering right now. Try again in a moment.';
  if (status === 401) return ERROR_MESSAGES.UNAUTHENTICATED;
  if (status === 403) return ERROR_MESSAGES.FORBIDDEN;
  if (status === 429) return ERROR_MESSAGES.RATE_LIMITED;
  if (status >= 500) return 'The server had a problem answering. Try again in a moment.';
  return 'The server refused the request. Reload the page and try again.';
}

/** Server messages start lowercase ("name: must be at most 200 characters"); people read sentences. */
function capitalized(message: string): string {
  return message.charAt(0).toUpperCase() + message.slice(1);
}

/** True when the error says the session is no longer valid. */
export function isUnauthenticated(error: unknown): boolean {
  return describeError(error).code === 'UNAUTHENTICATED';
}

function fieldOf(code: string, message: string, extensions: Partial<ErrorExtensions>): string | null {
  if (code !== 'BAD_USER_INPUT') return null;
  if (typeof extensions.field === 'string') return extensions.field;
  // Argument validation names every failing field; the first is the one to point at.
  if (Array.isArray(extensions.fields) && typeof extensions.fields[0] === 'string') return extensions.fields[0];
  // The API's convention for BAD_USER_INPUT messages is "<field>: <what is wrong>".
  const match = /^([A-Za-z][\w.]*):\s/.exec(message);
  return match ? (match[1] ?? null) : null;
}

interface ErrorBody {
  errors?: Array<{ message?: string; extensions?: Partial<ErrorExtensions> & { code?: unknown } }>;
}

function parseJson(text: string | undefined): ErrorBody | null {
  if (!text) return null;
  try {
    return JSON.parse(text) as ErrorBody;
  } catch {
    return null;
  }
}
