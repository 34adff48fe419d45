import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { API_KEY_SCOPES, includedBy, scopesToGrant } from './api-key-scopes';

describe('API key scopes', () => {
  it('grants only the highest of nested scopes', () => {
    expect(scopesToGrant(new Set(['COUPONS_READ', 'COUPONS_WRITE']))).toEqual(['COUPONS_WRITE']);
    expect(scopesToGrant(new Set(['COUPONS_READ', 'ADMIN']))).toEqual(['ADMIN']);
    expect(scopesToGrant(new Set(['COUPONS_READ']))).toEqual(['COUPONS_READ']);
    expect(scopesToGrant(new Set())).toEqual([]);
    expect(includedBy('COUPONS_READ', new Set(['COUPONS_WRITE']))).toBe('COUPONS_WRITE');
    expect(includedBy('ADMIN', new Set(['COUPONS_READ', 'COUPONS_WRITE']))).toBeUndefined();
  });

  it('describes each scope as schema.graphql does, and misses none', () => {
    const schema = fs.readFileSync(path.join(import.meta.dirname, '../../../../../schema.graphql'), 'utf8');
    const body = /enum ApiKeyScope \{([\s\S]*?)\n\}/.exec(schema)?.[1] ?? '';
    const described = [...body.matchAll(/"""\s*([\s\S]*?)\s*"""\s*(\w+)/g)].map((m) => [m[2], m[1]?.replace(/'/g, '’')]);
    expect(Object.fromEntries(described)).toEqual(Object.fromEntries(API_KEY_SCOPES.map((s) => [s.scope, s.description])));
  });
});
