// docs/api-guide.md is copied from by frontend teams: every GraphQL document in it must be valid
// against the checked-in schema.graphql (which another test keeps equal to the server's schema),
// and every operation of the schema must be documented.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '@coupons/core';
import * as graphql from 'graphql';

const root = path.resolve(import.meta.dirname, '..');

// API_GUIDE_SCHEMA: check the guide against a freshly printed schema before it is checked in.
const schemaFile = process.env.API_GUIDE_SCHEMA ?? path.join(root, 'schema.graphql');
const schema = graphql.buildSchema(fs.readFileSync(schemaFile, 'utf8'));
const guide = fs.readFileSync(path.join(root, 'docs/api-guide.md'), 'utf8');

/** The guide's ```graphql blocks, each as one document; fragment blocks are shared by all. */
function guideDocuments(): { source: string; fragments: string } {
  const blocks = [...guide.matchAll(/```graphql\n([\s\S]*?)```/g)].map((m) => m[1]);
  const fragments = blocks.filter((b) => /^\s*fragment /m.test(b) && !/^\s*(query|mutation|subscription) /m.test(b));
  const operations = blocks.filter((b) => !fragments.includes(b));
  return { source: operations.join('\n'), fragments: fragments.join('\n') };
}

describe('docs/api-guide.md', () => {
  const { source, fragments } = guideDocuments();
  const document = graphql.parse(`${source}\n${fragments}`);
  const operations = document.definitions.filter(
    (d): d is graphql.OperationDefinitionNode => d.kind === graphql.Kind.OPERATION_DEFINITION,
  );

  it('has only documents that are valid against schema.graphql', () => {
    // Each operation on its own (with the fragments), so an error names the operation.
    for (const operation of operations) {
      const single = graphql.parse(`${graphql.print(operation)}\n${fragments}`);
      const used = new Set<string>();
      graphql.visit(single, { FragmentSpread: (node) => void used.add(node.name.value) });
      const trimmed = {
        ...single,
        definitions: single.definitions.filter(
          (d) => d.kind !== graphql.Kind.FRAGMENT_DEFINITION || used.has(d.name.value),
        ),
      };
      const errors = graphql.validate(schema, trimmed);
      expect(errors.map((e) => e.message), operation.name?.value ?? 'anonymous operation').toEqual([]);
    }
  });

  it('shows every query, mutation and subscription of the schema', () => {
    const shown = new Set<string>();
    for (const operation of operations) {
      for (const selection of operation.selectionSet.selections) {
        if (selection.kind === graphql.Kind.FIELD) shown.add(`${operation.operation}.${selection.name.value}`);
      }
    }
    const roots = [
      ['query', schema.getQueryType()],
      ['mutation', schema.getMutationType()],
      ['subscription', schema.getSubscriptionType()],
    ] as const;
    const missing: string[] = [];
    for (const [kind, type] of roots) {
      for (const field of Object.keys(type?.getFields() ?? {})) {
        if (!shown.has(`${kind}.${field}`)) missing.push(`${kind}.${field}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('lists every error code of the contract with what to do', () => {
    for (const code of [...ERROR_CODES, 'INTERNAL_SERVER_ERROR']) expect(guide, code).toMatch(new RegExp(`^\\| \`${code}\` \\|[^|]+\\|[^|]+\\|$`, 'm'));
  });
});
