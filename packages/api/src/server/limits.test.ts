import { buildSchema, parse, specifiedRules, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { aliasLimitRule, checkOperationCost, depthLimitRule } from './limits.ts';

const schema = buildSchema(`
  type Query { me: User, users(first: Int, after: String): UserConnection! }
  type User { id: ID!, friends(first: Int): UserConnection!, best: User }
  type UserConnection { edges: [UserEdge!]!, totalCount: Int! }
  type UserEdge { cursor: String!, node: User! }
`);

const errorsOf = (query: string, rules = [depthLimitRule(4), aliasLimitRule(3)]) =>
  validate(schema, parse(query), [...specifiedRules, ...rules]).map((e) => e.message);

describe('depth limit', () => {
  it('counts field levels, through fragments, and ignores introspection', () => {
    expect(errorsOf('{ me { best { best { id } } } }')).toEqual([]);
    expect(errorsOf('{ me { best { best { best { id } } } } }')).toEqual([
      'Query is too deep: depth 5 exceeds the limit of 4',
    ]);
    expect(errorsOf('{ me { ...F } } fragment F on User { best { best { best { id } } } }')).toHaveLength(1);
    expect(errorsOf('{ me { ... on User { best { id } } } }')).toEqual([]);
    expect(errorsOf('{ __schema { types { fields { type { ofType { ofType { name } } } } } } }')).toEqual([]);
  });

  it('survives fragment cycles and fragment bombs', () => {
    expect(errorsOf('{ me { ...A } } fragment A on User { best { ...A } }').some((m) => /cannot spread/i.test(m))).toBe(true);
    const spreads = Array.from({ length: 2000 }, () => '...F').join(' ');
    expect(errorsOf(`{ me { ${spreads} } } fragment F on User { id }`)).toEqual([]);
  });
});

describe('alias limit', () => {
  it('rejects more aliases than allowed', () => {
    expect(errorsOf('{ a: me { id } b: me { id } c: me { id } }')).toEqual([]);
    expect(errorsOf('{ a: me { id } b: me { id } c: me { id } d: me { id } }')).toEqual([
      'Too many aliases: 4 exceeds the limit of 3',
    ]);
  });
});

describe('cost limit', () => {
  const cost = (query: string, variables?: Record<string, unknown>, max = 1000) =>
    checkOperationCost(schema, parse(query), variables, undefined, max);

  it('charges lists by first (default 20, at most 100)', () => {
    // users(first: 10): 1 + 10 × (edges 1 + node 1 + id 1) = 31
    expect(cost('{ users(first: 10) { edges { node { id } } } }', undefined, 31)).toBeUndefined();
    expect(cost('{ users(first: 10) { edges { node { id } } } }', undefined, 30)?.message).toMatch(/cost 31 exceeds the limit of 30/);
    expect(cost('{ users { edges { node { id } } } }', undefined, 61)).toBeUndefined();
    expect(cost('query ($n: Int) { users(first: $n) { edges { node { id } } } }', { n: 100 }, 300)?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      cost: 301,
    });
    expect(cost('{ users(first: 1000000) { totalCount } }', undefined, 200)).toBeUndefined();
  });

  it('multiplies nested lists, which is what stops a nested-connection bomb', () => {
    const bomb = '{ users(first: 100) { edges { node { friends(first: 100) { edges { node { id } } } } } } }';
    expect(cost(bomb)?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('remembers a passed cost only when no variable can change it', () => {
    // One parsed document, as Apollo's document cache hands it out on every request.
    const byVariable = parse('query ($n: Int) { users(first: $n) { edges { node { id } } } }');
    expect(checkOperationCost(schema, byVariable, { n: 1 }, undefined, 300)).toBeUndefined();
    expect(checkOperationCost(schema, byVariable, { n: 100 }, undefined, 300)?.extensions).toMatchObject({ cost: 301 });
    const pruned = parse('query ($all: Boolean!) { me { id } users(first: 100) @include(if: $all) { edges { node { id } } } }');
    expect(checkOperationCost(schema, pruned, { all: false }, undefined, 10)).toBeUndefined();
    expect(checkOperationCost(schema, pruned, { all: true }, undefined, 10)?.extensions?.code).toBe('BAD_USER_INPUT');
    const fixed = parse('query ($id: ID) { users(first: 10) { edges { node { id } } } }');
    expect(checkOperationCost(schema, fixed, { id: '1' }, undefined, 31)).toBeUndefined();
    expect(checkOperationCost(schema, fixed, { id: '2' }, undefined, 31)).toBeUndefined();
    expect(checkOperationCost(schema, fixed, { id: '2' }, undefined, 30)?.extensions).toMatchObject({ cost: 31 });
  });

  it('leaves bad variables and unknown operations to graphql-js', () => {
    expect(cost('query ($n: Int) { users(first: $n) { totalCount } }', { n: 'many' })).toBeUndefined();
    expect(checkOperationCost(schema, parse('query A { me { id } }'), {}, 'B', 10)).toBeUndefined();
  });
});
