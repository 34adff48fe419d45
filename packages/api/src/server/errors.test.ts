import { badInput, DomainError, ERROR_CODES } from '@coupons/core';
import { GraphQLError } from 'graphql';
import { pino } from 'pino';
import { ArgumentValidationError, AuthenticationError } from 'type-graphql';
import { describe, expect, it, vi } from 'vitest';
import { createErrorFormatter, ERROR_ANSWERS, httpAnswerOf, INTERNAL_MESSAGE, routeErrorResponse } from './errors.ts';
import { ConstraintViolation } from './mutation-faults.ts';

function setup(isProduction = false) {
  const logger = pino({ level: 'silent' });
  const error = vi.spyOn(logger, 'error');
  return { formatter: createErrorFormatter({ logger, isProduction, hideSchemaHints: isProduction }), error };
}

/** What graphql-js hands Apollo and graphql-ws for an error thrown in a resolver. */
const thrownInResolver = (original: Error) =>
  new GraphQLError(original.message, { path: ['field'], originalError: original });

describe('error mapping', () => {
  it('maps a DomainError to its code, message and details', () => {
    const { formatter } = setup();
    const limited = new DomainError('RATE_LIMITED', 'Too many attempts', { retryAfterSeconds: 12 });
    expect(formatter.format(thrownInResolver(limited))).toEqual({
      message: 'Too many attempts',
      path: ['field'],
      extensions: { code: 'RATE_LIMITED', retryAfterSeconds: 12 },
    });
    expect(formatter.format(thrownInResolver(badInput('email', 'is taken'))).extensions).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'email',
    });
  });

  it('translates known PostgreSQL errors, wherever Prisma nests them', () => {
    const { formatter } = setup();
    // The shapes Prisma 7 with the pg driver adapter really throws (create / $queryRaw).
    const prismaUnique = Object.assign(new Error('Unique constraint failed on the fields: (`email`)'), {
      code: 'P2002',
      meta: { modelName: 'User', driverAdapterError: { cause: { originalCode: '23505', kind: 'UniqueConstraintViolation' } } },
    });
    expect(formatter.format(thrownInResolver(prismaUnique)).extensions?.code).toBe('BAD_USER_INPUT');
    const rawBadUuid = Object.assign(new Error('Raw query failed. invalid input syntax for type uuid: "x"'), {
      code: 'P2010',
      meta: { driverAdapterError: { cause: { originalCode: '22P02', kind: 'InvalidInputValue' } } },
    });
    expect(formatter.format(thrownInResolver(rawBadUuid))).toMatchObject({
      message: 'A value is malformed or out of range',
      extensions: { code: 'BAD_USER_INPUT' },
    });
    const badUuid = Object.assign(new Error('invalid input syntax for type uuid: "x"'), { code: '22P02' });
    expect(formatter.format(thrownInResolver(badUuid))).toMatchObject({
      message: 'A value is malformed or out of range',
      extensions: { code: 'BAD_USER_INPUT' },
    });
  });

  it('a foreign key that fired still answers NOT_FOUND, and is logged as a warning with its request (no answer should come from it)', () => {
    const logger = pino({ level: 'silent' });
    const warn = vi.spyOn(logger, 'warn');
    const formatter = createErrorFormatter({ logger, isProduction: true, hideSchemaHints: true });
    const fk = Object.assign(new Error('insert or update on table "admin_pin" violates foreign key constraint "admin_pin_book_id_fkey"'), { code: '23503' });
    const error = thrownInResolver(fk);
    formatter.logErrors([error], { requestId: 'req-1', operation: 'PinBook' });
    expect(warn).toHaveBeenCalledWith(expect.objectContaining({ requestId: 'req-1', code: 'NOT_FOUND' }), expect.stringContaining('foreign key'));
    expect(formatter.format(error).extensions).toEqual({ code: 'NOT_FOUND' });
  });

  it('answers SERVICE_UNAVAILABLE, retryable, for every shape of "the database is away"', () => {
    const { formatter, error } = setup(true);
    const adapterCause = (cause: Record<string, unknown>, code = 'P2010') =>
      Object.assign(new Error('Raw query failed.'), { code, meta: { driverAdapterError: { name: 'DriverAdapterError', cause } } });
    // Each as seen (or as documented by pg, Prisma and @prisma/adapter-pg) while PostgreSQL restarts.
    const shapes: Array<[string, unknown]> = [
      ['in flight at a fast shutdown, through Prisma', adapterCause({ originalCode: '57P01', kind: 'postgres', code: '57P01' })],
      ['down, through Prisma raw', adapterCause({ kind: 'DatabaseNotReachable', host: '127.0.0.1', port: 5432 })],
      ['down, through a Prisma model call', adapterCause({ kind: 'DatabaseNotReachable' }, 'P1001')],
      ['connection closed (P1017)', adapterCause({ kind: 'ConnectionClosed' }, 'P1017')],
      ['socket timeout', adapterCause({ kind: 'SocketTimeout' }, 'P1008')],
      ['inside an interactive transaction', new Error('Client has encountered a connection error and is not queryable')],
      ['pg, connection lost', new Error('Connection terminated unexpectedly')],
      ['pg-pool timeout', new Error('timeout exceeded when trying to connect')],
      ['pg, refused', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED', syscall: 'connect', errno: -111 })],
      ['pg, reset', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })],
      ['starting up (57P03)', Object.assign(new Error('the database system is starting up'), { code: '57P03', severity: 'FATAL' })],
      ['crash shutdown (57P02)', Object.assign(new Error('terminating connection because of crash of another server process'), { code: '57P02' })],
      ['connection exception (08006)', Object.assign(new Error('connection failure'), { code: '08006' })],
      ['too many connections', adapterCause({ kind: 'TooManyConnections', originalCode: '53300' }, 'P2037')],
      ['closed for maintenance', adapterCause({ originalCode: '55000', originalMessage: 'database "c" is not currently accepting connections', kind: 'postgres', code: '55000' })],
    ];
    for (const [what, shape] of shapes) {
      expect(formatter.format(thrownInResolver(shape as Error)), what).toEqual({
        message: 'The service is temporarily unavailable; retry in 2 s',
        path: ['field'],
        extensions: { code: 'SERVICE_UNAVAILABLE', retryable: true, retryAfterSeconds: 2 },
      });
      expect(formatter.codeOf(thrownInResolver(shape as Error)), what).toBe('SERVICE_UNAVAILABLE');
    }
    expect(error).not.toHaveBeenCalled(); // an outage, not a bug: no error line per request
    // A client's input quoted in a message never reads as an outage.
    const quoted = new GraphQLError('Variable "$code" got invalid value "Connection terminated"; String cannot represent a non string value');
    expect(formatter.format(quoted).extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('answers a CHECK violation as the bug it is: INTERNAL_SERVER_ERROR, logged with the transition and constraint', () => {
    for (const isProduction of [false, true]) {
      const { formatter, error } = setup(isProduction);
      const message = 'new row for relation "coupon" violates check constraint "coupon_lock_check"';
      const database = Object.assign(new Error(`Raw query failed. Code: \`23514\`. Message: \`${message}\``), {
        code: 'P2010',
        meta: { driverAdapterError: { cause: { originalCode: '23514', originalMessage: message, kind: 'postgres', code: '23514' } } },
      });
      const formatted = formatter.format(thrownInResolver(new ConstraintViolation('coupon_lock_check', 'lockCoupon', { cause: database })));
      expect(formatted).toEqual({ message: INTERNAL_MESSAGE, path: ['field'], extensions: { code: 'INTERNAL_SERVER_ERROR' } });
      expect(JSON.stringify(formatted)).not.toMatch(/coupon|constraint|23514/);
      expect(error).toHaveBeenCalledOnce();
      const [line, msg] = error.mock.calls[0] as unknown as [Record<string, unknown>, string];
      expect(line).toMatchObject({ transition: 'lockCoupon', constraint: 'coupon_lock_check', sqlState: '23514', path: 'field' });
      expect(msg).toContain('coupon_lock_check');
      // Never LIMIT_REACHED or any other contract answer, with or without the wrapper.
      expect(formatter.format(thrownInResolver(database)).extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    }
  });

  it('answers a safety-net unique index that fired (redemption_coupon_order_key) as a bug, not as BAD_USER_INPUT', () => {
    const { formatter, error } = setup(true);
    const message = 'duplicate key value violates unique constraint "redemption_coupon_order_key"';
    const database = Object.assign(new Error(message), { code: '23505', constraint: 'redemption_coupon_order_key' });
    const violation = new ConstraintViolation('redemption_coupon_order_key', 'redeemCoupon', { cause: database }, '23505');
    const formatted = formatter.format(thrownInResolver(violation));
    expect(formatted.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    const [line, msg] = error.mock.calls[0] as unknown as [Record<string, unknown>, string];
    expect(line).toMatchObject({ transition: 'redeemCoupon', constraint: 'redemption_coupon_order_key', sqlState: '23505' });
    expect(msg).toContain('Unique index redemption_coupon_order_key violated in redeemCoupon');
  });

  it('puts the request id on INTERNAL_SERVER_ERROR answers of graphql-ws, and only on those', () => {
    const { formatter } = setup(true);
    const result = formatter.formatResult(
      { data: null, errors: [thrownInResolver(new Error('boom')), thrownInResolver(new DomainError('NOT_FOUND', 'Coupon not found'))] },
      { requestId: 'req-42' },
    );
    expect(result.errors?.map((e) => e.extensions)).toEqual([
      { code: 'INTERNAL_SERVER_ERROR', requestId: 'req-42' },
      { code: 'NOT_FOUND' },
    ]);
  });

  it('masks anything else, in every environment, and logs it', () => {
    for (const isProduction of [false, true]) {
      const { formatter, error } = setup(isProduction);
      const bug = new Error('relation "app_user" does not exist: SELECT * FROM app_user WHERE password_hash = $1');
      const formatted = formatter.format(thrownInResolver(bug));
      expect(formatted).toEqual({ message: INTERNAL_MESSAGE, path: ['field'], extensions: { code: 'INTERNAL_SERVER_ERROR' } });
      expect(JSON.stringify(formatted)).not.toMatch(/SELECT|app_user|stack/);
      expect(error).toHaveBeenCalledOnce();
      const logged = error.mock.calls[0][0] as { err: unknown };
      // Development logs keep the Error (with its stack); production logs only name and message.
      expect(logged.err instanceof Error).toBe(!isProduction);
    }
  });

  it('names the fields of a type-graphql argument validation error', () => {
    const { formatter } = setup();
    const validation = new ArgumentValidationError([
      { property: 'email', constraints: { isEmail: 'email must be an email' }, children: [] },
      { property: 'input', children: [{ property: 'count', constraints: { max: 'count must not be greater than 10' }, children: [] }] },
    ] as never);
    const formatted = formatter.format(thrownInResolver(validation));
    expect(formatted.extensions?.code).toBe('BAD_USER_INPUT');
    expect(formatted.message).toContain('email: email must be an email');
    expect(formatted.message).toContain('input.count: count must not be greater than 10');
  });

  it('maps errors raised before execution (syntax, validation, variables) to BAD_USER_INPUT', () => {
    const { formatter } = setup();
    const validation = new GraphQLError('Cannot query field "nope" on type "User". Did you mean "role"?', {
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    });
    expect(formatter.format(validation)).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(formatter.format(validation).message).toContain('Did you mean');
    // Without introspection, hints would reveal the schema.
    expect(setup(true).formatter.format(validation).message).toBe('Cannot query field "nope" on type "User".');
  });

  it('passes deliberate GraphQLErrors with a contract code, dropping transport details', () => {
    const { formatter } = setup();
    const limit = new GraphQLError('Query is too deep', { extensions: { code: 'BAD_USER_INPUT', maxDepth: 10, http: { status: 400 } } });
    expect(formatter.format(limit)).toEqual({ message: 'Query is too deep', extensions: { code: 'BAD_USER_INPUT', maxDepth: 10 } });
    const auth = thrownInResolver(new AuthenticationError());
    expect(formatter.format(auth).extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('passes the persisted-query protocol codes through unchanged (clients act on them)', () => {
    const { formatter, error } = setup(true);
    for (const code of ['PERSISTED_QUERY_NOT_FOUND', 'PERSISTED_QUERY_NOT_SUPPORTED']) {
      const signal = new GraphQLError('PersistedQueryNotFound', { extensions: { code, http: { status: 200 } } });
      expect(formatter.format(signal)).toEqual({ message: 'PersistedQueryNotFound', extensions: { code } });
      expect(formatter.codeOf(signal)).toBe(code);
    }
    // Only as Apollo raises them (before execution): a resolver cannot smuggle the code out.
    const fromResolver = new GraphQLError('x', { path: ['field'], extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } });
    expect(formatter.format(fromResolver).extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    expect(error).toHaveBeenCalledOnce();
  });

  it('formats graphql-ws results, keeping data', () => {
    const { formatter } = setup();
    const result = formatter.formatResult({
      data: { a: 1 },
      errors: [thrownInResolver(new DomainError('NOT_FOUND', 'Coupon not found'))],
    });
    expect(result).toEqual({
      data: { a: 1 },
      errors: [{ message: 'Coupon not found', path: ['field'], extensions: { code: 'NOT_FOUND' } }],
    });
  });
});

describe('the HTTP answer of an error code', () => {
  const formatted = (code: string, extensions: Record<string, unknown> = {}) => ({ message: code, extensions: { ...extensions, code } });

  it('has a status for every contract code', () => {
    for (const code of ERROR_CODES) expect(ERROR_ANSWERS[code].status).toBeGreaterThanOrEqual(400);
  });

  it('keeps HTTP 200 over GraphQL except for an outage, and answers each code’s status on a plain route', () => {
    expect(httpAnswerOf([formatted('NOT_FOUND')], 'graphql')).toEqual({ status: undefined, retryAfterSeconds: undefined });
    expect(httpAnswerOf([formatted('NOT_FOUND')], 'route')).toEqual({ status: 404, retryAfterSeconds: undefined });
    expect(httpAnswerOf([formatted('SOLD_OUT')], 'route').status).toBe(409);
    expect(httpAnswerOf([formatted('SOMETHING_ELSE')], 'route').status).toBe(500);
    const away = formatted('SERVICE_UNAVAILABLE', { retryable: true, retryAfterSeconds: 2 });
    expect(httpAnswerOf([formatted('NOT_FOUND'), away], 'graphql')).toEqual({ status: 503, retryAfterSeconds: 2 });
    expect(httpAnswerOf([away], 'route')).toEqual({ status: 503, retryAfterSeconds: 2 });
    // Retry-After: the largest wait asked for, in whole seconds, by the codes that ask for one.
    const limited = formatted('RATE_LIMITED', { retryAfterSeconds: 12.5 });
    expect(httpAnswerOf([away, limited], 'graphql')).toEqual({ status: 503, retryAfterSeconds: 13 });
    expect(httpAnswerOf([limited], 'graphql')).toEqual({ status: undefined, retryAfterSeconds: 13 });
    expect(httpAnswerOf([formatted('NOT_FOUND', { retryAfterSeconds: 9 })], 'route').retryAfterSeconds).toBeUndefined();
  });

  it('answers a plain route like GraphQL would: masked, with the request id, logged once', () => {
    const { formatter, error } = setup(true);
    const bug = routeErrorResponse(formatter, new Error('SELECT secret FROM t'), { requestId: 'r-1', operation: 'GET /x' });
    expect(bug).toEqual({
      status: 500,
      headers: {},
      body: { errors: [{ message: INTERNAL_MESSAGE, extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: 'r-1' } }] },
    });
    expect(error).toHaveBeenCalledOnce();
    const away = routeErrorResponse(formatter, Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), { requestId: 'r-2' });
    expect(away.status).toBe(503);
    expect(away.headers).toEqual({ 'retry-after': '2' });
    expect(away.body.errors[0].extensions).toEqual({ code: 'SERVICE_UNAVAILABLE', retryable: true, retryAfterSeconds: 2 });
    expect(error).toHaveBeenCalledOnce();
  });
});
