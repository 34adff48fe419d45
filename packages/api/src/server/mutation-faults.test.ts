import { DomainError } from '@coupons/core';
import { GraphQLError, graphql, GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMetrics, installMetrics } from '../observability/index.ts';
import { ConstraintViolation, guardMutations, locateDomainErrors, MAX_CONFLICT_RETRIES, retryConflicts } from './mutation-faults.ts';

/** The shapes Prisma 7 with @prisma/adapter-pg throws for a database error with this SQLSTATE. */
const prismaError = (sqlState: string, message = 'x') =>
  Object.assign(new Error(`Raw query failed. Code: \`${sqlState}\`. Message: \`${message}\``), {
    code: sqlState.startsWith('40') ? 'P2034' : 'P2010',
    meta: { driverAdapterError: { cause: { originalCode: sqlState, originalMessage: message, kind: 'postgres' } } },
  });
const deadlock = () => prismaError('40P01', 'deadlock detected');
const serialization = () => prismaError('40001', 'could not serialize access due to concurrent update');
const noWait = { sleep: async () => {} };

describe('retryConflicts', () => {
  it('runs again after a serialization failure or a deadlock, and returns the first success', async () => {
    const failures = [serialization(), deadlock()];
    const work = vi.fn(async () => {
      const failure = failures.shift();
      if (failure) throw failure;
      return 'ok';
    });
    const onRetry = vi.fn();
    await expect(retryConflicts(work, { ...noWait, onRetry })).resolves.toBe('ok');
    expect(work).toHaveBeenCalledTimes(3);
    expect(onRetry.mock.calls.map(([attempt]) => attempt)).toEqual([1, 2]);
  });

  it('runs again after a named statement lost behind PgBouncer (26000, 42P05, as pg throws them)', async () => {
    const lost = (code: string) => Object.assign(new Error('prepared statement "cbs_x" does not exist'), { code });
    const failures = [lost('26000'), lost('42P05')];
    const work = vi.fn(async () => {
      const failure = failures.shift();
      if (failure) throw failure;
      return 'ok';
    });
    await expect(retryConflicts(work, noWait)).resolves.toBe('ok');
    expect(work).toHaveBeenCalledTimes(3);
  });

  it(`gives up after ${MAX_CONFLICT_RETRIES} re-runs and throws the last conflict`, async () => {
    const last = deadlock();
    let calls = 0;
    const work = async () => {
      calls++;
      throw calls > MAX_CONFLICT_RETRIES ? last : deadlock();
    };
    await expect(retryConflicts(work, noWait)).rejects.toBe(last);
    expect(calls).toBe(MAX_CONFLICT_RETRIES + 1);
  });

  it('never runs again after any other error (a contract answer, a bug, the database away)', async () => {
    for (const error of [
      new DomainError('SOLD_OUT', 'No coupon left'),
      prismaError('23514', 'violates check constraint "x"'),
      prismaError('23505'),
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    ]) {
      const work = vi.fn(async () => {
        throw error;
      });
      await expect(retryConflicts(work, noWait)).rejects.toBe(error);
      expect(work).toHaveBeenCalledOnce();
    }
  });

  it('pauses a small jittered, growing time between runs', async () => {
    const pauses: number[] = [];
    const sleep = async (ms: number) => {
      pauses.push(ms);
    };
    const failing = async () => {
      throw deadlock();
    };
    await expect(retryConflicts(failing, { sleep, random: () => 1 })).rejects.toThrow();
    expect(pauses).toEqual([15, 25, 45]);
    pauses.length = 0;
    await expect(retryConflicts(failing, { sleep, random: () => 0 })).rejects.toThrow();
    expect(pauses).toEqual([5, 5, 5]);
  });
});

describe('guardMutations', () => {
  afterEach(() => installMetrics(undefined));

  /** A schema with one retried field (lockCoupon) and one that is not (generateCodes). */
  function schemaWith(resolve: (field: string) => unknown) {
    const field = (name: string) => ({ type: GraphQLString, resolve: () => resolve(name) });
    const schema = new GraphQLSchema({
      query: new GraphQLObjectType({ name: 'Query', fields: { ok: { type: GraphQLString } } }),
      mutation: new GraphQLObjectType({ name: 'Mutation', fields: { lockCoupon: field('lockCoupon'), generateCodes: field('generateCodes') } }),
    });
    guardMutations(schema);
    guardMutations(schema); // idempotent: wrapping twice would retry retries
    return schema;
  }

  it('re-runs an allow-listed mutation after a conflict, and counts the re-run', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    installMetrics(metrics);
    const runs: Record<string, number> = {};
    const schema = schemaWith((name) => {
      runs[name] = (runs[name] ?? 0) + 1;
      if (runs[name] === 1) throw deadlock();
      return 'done';
    });
    expect(await graphql({ schema, source: 'mutation { lockCoupon }' })).toEqual({ data: { lockCoupon: 'done' } });
    expect(runs.lockCoupon).toBe(2);
    expect((await metrics.transactionRetries.get()).values).toEqual([{ labels: { operation: 'lockCoupon' }, value: 1 }]);
    // generateCodes commits a job row before its codes: not re-run, the conflict is answered.
    const result = await graphql({ schema, source: 'mutation { generateCodes }' });
    expect(runs.generateCodes).toBe(1);
    expect(result.errors?.[0].originalError).toMatchObject({ code: 'P2034' });
  });

  it('turns a CHECK violation into a ConstraintViolation naming the field and constraint, and counts it', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    installMetrics(metrics);
    const schema = schemaWith(() => {
      throw prismaError('23514', 'new row for relation "coupon" violates check constraint "coupon_lock_check"');
    });
    // An alias does not change what is counted: the root field is the transition.
    const result = await graphql({ schema, source: 'mutation { mine: lockCoupon }' });
    const original = result.errors?.[0].originalError;
    expect(original).toBeInstanceOf(ConstraintViolation);
    expect(original).toMatchObject({ constraint: 'coupon_lock_check', operation: 'lockCoupon' });
    expect((await metrics.constraintViolations.get()).values).toEqual([
      { labels: { constraint: 'coupon_lock_check', operation: 'lockCoupon' }, value: 1 },
    ]);
  });

  it('a 23505 of a safety-net unique index is a bug (ConstraintViolation); any other 23505 stays the answer', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    installMetrics(metrics);
    const net = prismaError('23505', 'duplicate key value violates unique constraint "redemption_coupon_order_key"');
    const netResult = await graphql({ schema: schemaWith(() => Promise.reject(net)), source: 'mutation { lockCoupon }' });
    expect(netResult.errors?.[0].originalError).toBeInstanceOf(ConstraintViolation);
    expect(netResult.errors?.[0].originalError).toMatchObject({ constraint: 'redemption_coupon_order_key', sqlState: '23505' });
    // pg's own error names the constraint in a field of its own.
    const pgNet = Object.assign(new Error('duplicate key'), { code: '23505', constraint: 'redemption_coupon_order_key' });
    const pgResult = await graphql({ schema: schemaWith(() => Promise.reject(pgNet)), source: 'mutation { lockCoupon }' });
    expect(pgResult.errors?.[0].originalError).toBeInstanceOf(ConstraintViolation);
    const arbiter = prismaError('23505', 'duplicate key value violates unique constraint "app_user_email_key"');
    const arbiterResult = await graphql({ schema: schemaWith(() => Promise.reject(arbiter)), source: 'mutation { lockCoupon }' });
    expect(arbiterResult.errors?.[0].originalError).toBe(arbiter);
  });

  it('a foreign key that fired (23503) is counted as a bug and passes through to its NOT_FOUND mapping', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    installMetrics(metrics);
    const fk = prismaError('23503', 'insert or update on table "admin_pin" violates foreign key constraint "admin_pin_book_id_fkey"');
    const result = await graphql({ schema: schemaWith(() => Promise.reject(fk)), source: 'mutation { lockCoupon }' });
    expect(result.errors?.[0].originalError).toBe(fk);
    expect((await metrics.constraintViolations.get()).values).toEqual([
      { labels: { constraint: 'admin_pin_book_id_fkey', operation: 'lockCoupon' }, value: 1 },
    ]);
  });

  it('lets every other error through untouched', async () => {
    const soldOut = new DomainError('SOLD_OUT', 'No coupon left');
    const schema = schemaWith(() => {
      throw soldOut;
    });
    const result = await graphql({ schema, source: 'mutation { lockCoupon }' });
    expect(result.errors?.[0].originalError).toBe(soldOut);
  });

  /**
   * V8 formats an error's captured frames when its stack is read (through the source maps under
   * tsx): the answer, and how many GraphQLErrors had their frames formatted while it was made.
   */
  async function answerCountingStacks(schema: GraphQLSchema, source: string, rootValue?: unknown) {
    const previous = Error.prepareStackTrace;
    let count = 0;
    Error.prepareStackTrace = (error, frames) => {
      if (error instanceof GraphQLError && frames.length > 0) count++;
      return previous ? previous(error, frames) : String(error);
    };
    try {
      return { answer: await graphql({ schema, source, rootValue }), count };
    } finally {
      Error.prepareStackTrace = previous;
    }
  }

  it('answers a DomainError exactly as graphql-js would, without formatting a stack trace', async () => {
    const refusal = () => new DomainError('LIMIT_REACHED', 'The per-user assignment limit of this book is reached');
    const plain = new GraphQLSchema({
      query: new GraphQLObjectType({ name: 'Query', fields: { ok: { type: GraphQLString } } }),
      mutation: new GraphQLObjectType({
        name: 'Mutation',
        fields: { lockCoupon: { type: GraphQLString, resolve: () => Promise.reject(refusal()) } },
      }),
    });
    const source = 'mutation Checkout {\n  first: lockCoupon\n  second: lockCoupon\n}';
    const formatted = (schema: GraphQLSchema) => answerCountingStacks(schema, source);
    const expected = await formatted(plain);
    const located = schemaWith(() => Promise.reject(refusal()));
    locateDomainErrors(located);
    locateDomainErrors(located); // idempotent
    const guardedAnswer = await formatted(located);
    expect(JSON.parse(JSON.stringify(guardedAnswer.answer))).toEqual(JSON.parse(JSON.stringify(expected.answer)));
    expect(guardedAnswer.answer.errors?.map((e) => [e.path, e.locations])).toEqual([
      [['first'], [{ line: 2, column: 3 }]],
      [['second'], [{ line: 3, column: 3 }]],
    ]);
    expect(guardedAnswer.answer.errors?.[0].originalError).toBeInstanceOf(DomainError);
    expect(expected.count).toBe(2); // graphql-js's own copies: one formatted stack per error
    expect(guardedAnswer.count).toBe(0);
  });

  it('answers a DomainError of a query, thrown at once or later, as graphql-js would; values pass through unchanged', async () => {
    const notFound = () => new DomainError('NOT_FOUND', 'Coupon not found');
    const build = () =>
      new GraphQLSchema({
        query: new GraphQLObjectType({
          name: 'Query',
          fields: {
            now: {
              type: GraphQLString,
              resolve: () => {
                throw notFound();
              },
            },
            later: { type: GraphQLString, resolve: () => Promise.reject(notFound()) },
            plain: { type: GraphQLString, resolve: () => 'here' },
            pending: { type: GraphQLString, resolve: async () => 'soon' },
            fallback: { type: GraphQLString },
          },
        }),
      });
    const source = '{ now later plain pending fallback }';
    const rootValue = { fallback: 'from the root' };
    const expected = await answerCountingStacks(build(), source, rootValue);
    const located = build();
    locateDomainErrors(located);
    const { answer, count } = await answerCountingStacks(located, source, rootValue);
    expect(JSON.parse(JSON.stringify(answer))).toEqual(JSON.parse(JSON.stringify(expected.answer)));
    expect(answer.data).toEqual({ now: null, later: null, plain: 'here', pending: 'soon', fallback: 'from the root' });
    expect(answer.errors?.map((e) => [e.path, e.originalError instanceof DomainError])).toEqual([
      [['now'], true],
      [['later'], true],
    ]);
    expect(expected.count).toBe(2);
    expect(count).toBe(0);
  });
});
