import fs from 'node:fs';
import { MaxLength } from 'class-validator';
import { ArgumentValidationError, Authorized, Query, Resolver } from 'type-graphql';
import { describe, expect, it } from 'vitest';
import { SCHEMA_FILE } from './schema-file.ts';
import { ERROR_CODES } from '@coupons/core';
import { accessProblems, buildApiSchema, printApiSchema, rootFieldAccess, SCHEMA_DESCRIPTION, validateArgument } from './schema.ts';

describe('schema.graphql', () => {
  it('matches the schema built from the resolvers', async () => {
    const built = printApiSchema(await buildApiSchema());
    const checkedIn = fs.existsSync(SCHEMA_FILE) ? fs.readFileSync(SCHEMA_FILE, 'utf8') : '';
    expect(checkedIn, 'schema.graphql is out of date: run pnpm schema:print and commit it').toBe(built);
  });

  it('describes every error code of the contract', async () => {
    for (const code of [...ERROR_CODES, 'INTERNAL_SERVER_ERROR']) expect(SCHEMA_DESCRIPTION, code).toMatch(new RegExp(`\\b${code} \\(`));
    expect((await buildApiSchema()).description).toBe(SCHEMA_DESCRIPTION);
  });
});

describe('access declarations', () => {
  it('every Query, Mutation and Subscription field declares its access', async () => {
    const schema = await buildApiSchema();
    const declared = new Map(rootFieldAccess().map((f) => [`${f.operation}.${f.field}`, f.roles]));
    const roots = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()];
    const undeclared = roots.flatMap((type) =>
      type ? Object.keys(type.getFields()).map((field) => `${type.name}.${field}`) : [],
    ).filter((name) => declared.get(name) === undefined);
    expect(undeclared, 'add @Public(), @Authorized() or @Authorized("ADMIN")').toEqual([]);
    expect(accessProblems()).toEqual([]);
  });

  it('reports a root field without a declaration, and unknown roles', () => {
    @Resolver()
    class CarelessResolver {
      @Query(() => String)
      leaky(): string {
        return 'secret';
      }

      @Authorized('ADMN')
      @Query(() => String)
      typo(): string {
        return 'x';
      }
    }
    expect(accessProblems([CarelessResolver])).toEqual([
      expect.stringContaining('Query.leaky (CarelessResolver) declares no access'),
      expect.stringContaining('Query.typo (CarelessResolver) names unknown role(s) ADMN'),
    ]);
  });

  it('the contract fields owned here exist with their access', () => {
    const access = Object.fromEntries(rootFieldAccess().map((f) => [`${f.operation}.${f.field}`, f.roles]));
    expect(access).toMatchObject({
      'Mutation.register': ['PUBLIC'],
      'Mutation.login': ['PUBLIC'],
      'Query.me': [],
      'Query.users': ['ADMIN'],
      'Query.userByEmail': ['ADMIN'],
    });
  });
});

describe('argument validation (validateFn)', () => {
  class Decorated {
    @MaxLength(3)
    code = '';
  }
  class Plain {
    code = 'anything at all';
  }
  const decorated = (code: string) => Object.assign(new Decorated(), { code });

  it('rejects an object whose class-validator decorators fail, as type-graphql does', async () => {
    const error = await validateArgument(decorated('toolong')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ArgumentValidationError);
    expect((error as ArgumentValidationError).extensions.validationErrors).toMatchObject([{ property: 'code', constraints: { maxLength: expect.any(String) } }]);
    await expect(validateArgument([decorated('ok'), decorated('toolong')])).rejects.toBeInstanceOf(ArgumentValidationError);
  });

  it('lets valid objects, classes without decorators, scalars and null through', async () => {
    for (const value of [decorated('ok'), [decorated('ok'), null], new Plain(), 'text', 3, null, undefined]) {
      await expect(validateArgument(value)).resolves.toBeUndefined();
    }
  });
});
