import { badInput, DomainError } from '@coupons/core';
import { GraphQLError } from 'graphql';
import { pino } from 'pino';
import { ArgumentValidationError, AuthenticationError } from 'type-graphql';
import { describe, expect, it, vi } from 'vitest';
import { createErrorFormatter, INTERNAL_MESSAGE } from './errors.ts';

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
