import { checkViolation, type DomainError, isDomainError, isLostStatement, isTransactionConflict, pgCode } from '@coupons/core';
import { defaultFieldResolver, GraphQLError, type GraphQLResolveInfo, type GraphQLSchema, responsePathAsArray } from 'graphql';
import { recordConstraintViolation, recordTransactionRetry } from '../observability/index.ts';

/** Re-runs after a serialization failure or deadlock, before the error is answered. */
export const MAX_CONFLICT_RETRIES = 3;

/**
 * Root Mutation fields whose whole database work is one transaction (or reads outside it), so a
 * re-run after a conflict rolled that transaction back cannot act twice. An allow-list on
 * purpose: `generateCodes`/`uploadCodes` commit a job row and progress before their codes, and
 * `login` counts each attempt against its rate limit in a statement of its own; a new mutation
 * is not re-run until someone has checked the same of it.
 */
export const CONFLICT_RETRIED_MUTATIONS: ReadonlySet<string> = new Set([
  'assignRandomCoupon',
  'assignCoupon',
  'lockCoupon',
  'unlockCoupon',
  'redeemCoupon',
  'reverseRedemption',
  'createBook',
  'updateBook',
  'deleteBook',
  'createPool',
  'updatePool',
  'deletePool',
  'addPoolMembers',
  'removePoolMembers',
  'previewDistribution',
  'distributeToPool',
  'setUserRole',
  'disableUser',
  'enableUser',
  'eraseUser',
  'register',
]);

/**
 * A CHECK constraint, or a unique index that is only a safety net ({@link SAFETY_NET_UNIQUE_INDEXES}),
 * fired during a mutation: a bug, since the statements decide every contract answer and a
 * constraint is only the safety net. The error mapping logs it (request id, root field,
 * constraint) and answers INTERNAL_SERVER_ERROR; the database error stays in `cause`, never in
 * what a client sees.
 */
export class ConstraintViolation extends Error {
  constructor(
    /** The constraint's name, e.g. `coupon_lock_check`. */
    readonly constraint: string,
    /** The root Mutation field (the transition) that hit it, e.g. `lockCoupon`. */
    readonly operation: string,
    options: { cause: unknown },
    /** 23514 (check_violation) or 23505 (unique_violation of a safety-net index). */
    readonly sqlState: '23514' | '23505' = '23514',
  ) {
    super(`${sqlState === '23505' ? 'Unique index' : 'CHECK constraint'} ${constraint} violated in ${operation}`, options);
    this.name = 'ConstraintViolation';
  }
}

/**
 * Unique indexes that back up a decision the statements make themselves, so a duplicate there is
 * a bug, not the answer (elsewhere a 23505 is the designed arbiter and means BAD_USER_INPUT):
 * `redemption_coupon_order_key` — the redeem decides "this order already redeemed this coupon"
 * under the coupon's row lock and answers the first redemption (core readRedeemTarget).
 */
export const SAFETY_NET_UNIQUE_INDEXES: ReadonlySet<string> = new Set(['redemption_coupon_order_key']);

/** The safety-net unique index a 23505 names, or undefined (`pg` gives `constraint`; the driver adapter only the message). */
export function safetyNetViolation(error: unknown): { constraint: string } | undefined {
  if (pgCode(error) !== '23505') return undefined;
  const name = constraintNamed(error, /unique constraint "([^"]+)"/, (found) => SAFETY_NET_UNIQUE_INDEXES.has(found));
  return name ? { constraint: name } : undefined;
}

/**
 * The foreign key a 23503 names, or undefined. No answer should come from a foreign key (a write
 * that points at another row reads it `FOR KEY SHARE` first and answers NOT_FOUND itself), so one
 * that fires is counted as a bug; the client still gets the mapping's NOT_FOUND (server/errors.ts).
 */
export function foreignKeyViolation(error: unknown): { constraint: string } | undefined {
  if (pgCode(error) !== '23503') return undefined;
  return { constraint: constraintNamed(error, /foreign key constraint "([^"]+)"/, () => true) ?? 'unknown' };
}

/** The first constraint name in `error`'s chain that `accept`s (`pg` gives `constraint`; the driver adapter only the message). */
function constraintNamed(error: unknown, inMessage: RegExp, accept: (name: string) => boolean): string | undefined {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length > 0 && seen.size < 12) {
    const current = queue.shift() as Record<string, unknown> | undefined;
    if (!current || typeof current !== 'object' || seen.has(current)) continue;
    seen.add(current);
    const text = [current.constraint, current.originalMessage, current.message].find((v) => typeof v === 'string') as string | undefined;
    const name = typeof current.constraint === 'string' ? current.constraint : inMessage.exec(text ?? '')?.[1];
    if (name && accept(name)) return name;
    const meta = current.meta as Record<string, unknown> | undefined;
    queue.push(current.cause, current.originalError, meta?.driverAdapterError);
  }
  return undefined;
}

/** How {@link retryConflicts} waits and counts; tests replace `sleep` and `random`. */
export interface ConflictRetryOptions {
  retries?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Called before each re-run (the metric). */
  onRetry?: (attempt: number, error: unknown) => void;
}

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `work`, and runs it again while it fails with a serialization failure or a deadlock
 * (40001, 40P01), at most `retries` times, after a jittered pause of 5–15, 5–25, 5–45 ms: the
 * conflicting transaction has usually committed by then, and jitter keeps two losers of the same
 * deadlock from meeting again in step. A named statement lost behind a transaction-mode PgBouncer
 * ({@link isLostStatement}) is run again the same way: the database sends it unnamed from then on. Any other error, and the last conflict, is thrown as is.
 * `work` must be safe to repeat after a rollback (one transaction, no side effect outside it).
 */
export async function retryConflicts<T>(work: () => Promise<T> | T, options: ConflictRetryOptions = {}): Promise<T> {
  const retries = options.retries ?? MAX_CONFLICT_RETRIES;
  const sleep = options.sleep ?? sleepFor;
  const random = options.random ?? Math.random;
  for (let attempt = 0; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= retries || !(isTransactionConflict(error) || isLostStatement(error))) throw error;
      options.onRetry?.(attempt + 1, error);
      await sleep(5 + random() * 10 * 2 ** attempt);
    }
  }
}

const guarded = new WeakSet<GraphQLSchema>();

/**
 * The GraphQLError graphql-js would make of a resolver's DomainError (locatedError: the same
 * message, field nodes, path and original error, so the same answer), made here without a stack
 * trace. graphql-js's own copy captures one and reads it back, which V8 formats through tsx's
 * source maps: ~0.18 ms of the API's CPU per error answer, ~5% of the last-codes race where 900
 * of 1,000 racers hear SOLD_OUT. A DomainError is an expected outcome; its code says what happened.
 */
export function locatedDomainError(error: DomainError, info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'path'>): GraphQLError {
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new GraphQLError(error.message, { nodes: info.fieldNodes, path: responsePathAsArray(info.path), originalError: error });
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
}

/**
 * Wraps every root Mutation field, for HTTP and graphql-ws alike (both execute this schema):
 * the fields of {@link CONFLICT_RETRIED_MUTATIONS} are re-run after a transaction conflict
 * ({@link retryConflicts}), and a CHECK violation (or a safety-net unique index's 23505) in any
 * of them is counted in `coupons_constraint_violations_total{constraint,operation}` and rethrown
 * as a {@link ConstraintViolation}; a foreign key's 23503 is counted there too and rethrown as it
 * is (answered NOT_FOUND, see {@link foreignKeyViolation}). Call it before `limitMutations`, so that a re-run is not counted
 * against the caller's rate limit again.
 */
export function guardMutations(schema: GraphQLSchema): void {
  if (guarded.has(schema)) return;
  guarded.add(schema);
  for (const field of Object.values(schema.getMutationType()?.getFields() ?? {})) {
    const resolve = field.resolve ?? defaultFieldResolver;
    const operation = field.name;
    const retried = CONFLICT_RETRIED_MUTATIONS.has(operation);
    const onRetry = () => recordTransactionRetry(operation);
    field.resolve = async (source, args, context, info) => {
      try {
        const run = () => resolve(source, args, context, info);
        return await (retried ? retryConflicts(run, { onRetry }) : run());
      } catch (error) {
        const check = checkViolation(error);
        const violation = check ?? safetyNetViolation(error);
        if (!violation) {
          const foreignKey = foreignKeyViolation(error);
          if (foreignKey) recordConstraintViolation(foreignKey.constraint, operation);
          throw error;
        }
        recordConstraintViolation(violation.constraint, operation);
        throw new ConstraintViolation(violation.constraint, operation, { cause: error }, check ? '23514' : '23505');
      }
    };
  }
}

const located = new WeakSet<GraphQLSchema>();

/**
 * Wraps every root Query and Mutation field so that a DomainError leaves it as
 * {@link locatedDomainError} (a resolver that answers at once still answers at once). Call it
 * last, outside the rate limits: they read the DomainError itself (a failed claim by code counts
 * against the code-guess limit, a refusal of their own is one).
 */
export function locateDomainErrors(schema: GraphQLSchema): void {
  if (located.has(schema)) return;
  located.add(schema);
  for (const type of [schema.getQueryType(), schema.getMutationType()]) {
    for (const field of Object.values(type?.getFields() ?? {})) {
      const resolve = field.resolve ?? defaultFieldResolver;
      field.resolve = (source, args, context, info) => {
        let result: unknown;
        try {
          result = resolve(source, args, context, info);
        } catch (error) {
          throw relocated(error, info);
        }
        if (typeof (result as PromiseLike<unknown> | null)?.then !== 'function') return result;
        return Promise.resolve(result).catch((error: unknown) => Promise.reject(relocated(error, info)));
      };
    }
  }
}

/** A DomainError as {@link locatedDomainError}; anything else as it is. */
function relocated(error: unknown, info: GraphQLResolveInfo): unknown {
  return isDomainError(error) ? locatedDomainError(error, info) : error;
}
