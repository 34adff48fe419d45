import type { ApolloServerPlugin } from '@apollo/server';
import {
  type ASTVisitor,
  type DocumentNode,
  type FragmentDefinitionNode,
  GraphQLError,
  type GraphQLSchema,
  getOperationAST,
  getVariableValues,
  Kind,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
  type ValueNode,
  visit,
} from 'graphql';
import { type ComplexityEstimator, fieldExtensionsEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';
import { getOrAdd } from '../shared/get-or-add.ts';

/**
 * Limits that reject abusive operations before anything executes (all BAD_USER_INPUT):
 * depth (nested selections), cost (lists charged by their `first`), aliases, and parser tokens.
 * HTTP batching is refused separately (server/http.ts).
 */
export interface OperationLimits {
  maxDepth: number;
  maxCost: number;
  maxAliases: number;
  maxTokens: number;
}

/** Aliases let one request ask the same expensive field many times; 30 is plenty for a screen. */
export const DEFAULT_MAX_ALIASES = 30;
/** A parser bound against megabyte queries; inline data belongs in variables. */
export const DEFAULT_MAX_TOKENS = 10_000;
/** What an unbounded list (`first` omitted) is assumed to return, as core's default page. */
const DEFAULT_LIST_SIZE = 20;
const MAX_LIST_SIZE = 100;

function limitError(message: string, details: Record<string, unknown>): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', ...details, http: { status: 400 } } });
}

/**
 * Rejects operations nested deeper than `maxDepth` field levels (`{ me { id } }` is 2).
 * Introspection (`__schema`, `__type`) is not counted, so tools can still load the schema.
 */
export function depthLimitRule(maxDepth: number): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const def of context.getDocument().definitions) {
      if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
    }
    // Depth of a fragment's own selection, memoised so a fragment spread a thousand times is
    // measured once; `visiting` stops cycles (reported by graphql-js' own rule anyway).
    const memo = new Map<string, number>();
    const visiting = new Set<string>();
    const measure = (selectionSet: SelectionSetNode): number => {
      let deepest = 0;
      for (const selection of selectionSet.selections) {
        if (selection.kind === Kind.FIELD) {
          if (selection.name.value.startsWith('__') && selection.name.value !== '__typename') continue;
          deepest = Math.max(deepest, 1 + (selection.selectionSet ? measure(selection.selectionSet) : 0));
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          deepest = Math.max(deepest, measure(selection.selectionSet));
        } else {
          const name = selection.name.value;
          const fragment = fragments.get(name);
          if (!fragment || visiting.has(name)) continue;
          if (!memo.has(name)) {
            visiting.add(name);
            memo.set(name, measure(fragment.selectionSet));
            visiting.delete(name);
          }
          deepest = Math.max(deepest, memo.get(name) ?? 0);
        }
      }
      return deepest;
    };
    return {
      OperationDefinition(node) {
        const depth = measure(node.selectionSet);
        if (depth > maxDepth) {
          context.reportError(
            new GraphQLError(`Query is too deep: depth ${depth} exceeds the limit of ${maxDepth}`, {
              nodes: [node],
              extensions: { code: 'BAD_USER_INPUT', maxDepth, depth },
            }),
          );
        }
      },
    };
  };
}

/** Rejects documents with more than `maxAliases` aliased fields. */
export function aliasLimitRule(maxAliases: number): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    let aliases = 0;
    return {
      Field(node) {
        if (node.alias) aliases++;
      },
      Document: {
        leave() {
          if (aliases > maxAliases) {
            context.reportError(
              new GraphQLError(`Too many aliases: ${aliases} exceeds the limit of ${maxAliases}`, {
                extensions: { code: 'BAD_USER_INPUT', maxAliases, aliases },
              }),
            );
          }
        },
      },
    };
  };
}

/**
 * Charges a field with a `first` argument (every connection) `1 + first × cost of its
 * selection`, with `first` clamped to 1..100 (a bad `first` is the service's error to report);
 * an omitted `first` counts as the default page of 20. Other fields cost 1, unless a resolver sets
 * `@Field({ complexity })` / `@Query(…, { complexity })`.
 */
const listByFirstEstimator: ComplexityEstimator = ({ field, args, childComplexity }) => {
  if (!field.args.some((a) => a.name === 'first')) return undefined;
  const requested = typeof args.first === 'number' ? args.first : DEFAULT_LIST_SIZE;
  const size = Math.min(MAX_LIST_SIZE, Math.max(1, requested));
  return 1 + size * childComplexity;
};

/**
 * Operations known to be within the limit whatever their variables, per schema and parsed
 * document. Apollo hands the same DocumentNode for the same query text (its document cache), and
 * the hot mutations (assign, lock, redeem) are such operations, so their cost is worked out once
 * instead of on every request (2.6% of the API's CPU in the lock-redeem benchmark). Refusals are
 * not remembered: they are rare, and each gets its own error object.
 */
const passedFixedCost = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, Set<string>>>();
const schemasWithFieldComplexity = new WeakMap<GraphQLSchema, boolean>();

/**
 * True when no variable can change the document's cost: none feeds a `first` argument (lists are
 * charged by it) or a directive (`@include`/`@skip` prune selections), and no field of the schema
 * has a complexity of its own (which could read any argument).
 */
function costIgnoresVariables(schema: GraphQLSchema, document: DocumentNode): boolean {
  let ownComplexity = schemasWithFieldComplexity.get(schema);
  if (ownComplexity === undefined) {
    ownComplexity = Object.values(schema.getTypeMap()).some(
      (type) => 'getFields' in type && Object.values(type.getFields()).some((field) => field.extensions?.complexity !== undefined),
    );
    schemasWithFieldComplexity.set(schema, ownComplexity);
  }
  if (ownComplexity) return false;
  const hasVariable = (value: ValueNode): boolean =>
    value.kind === Kind.VARIABLE ||
    (value.kind === Kind.LIST && value.values.some(hasVariable)) ||
    (value.kind === Kind.OBJECT && value.fields.some((f) => hasVariable(f.value)));
  let dependent = false;
  visit(document, {
    Directive(node) {
      if (node.arguments?.some((arg) => hasVariable(arg.value))) dependent = true;
    },
    Argument(node) {
      if (node.name.value === 'first' && hasVariable(node.value)) dependent = true;
    },
  });
  return !dependent;
}

/** The cost of one operation, or a BAD_USER_INPUT error when it exceeds `maxCost`. */
export function checkOperationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
  operationName: string | undefined | null,
  maxCost: number,
): GraphQLError | undefined {
  // An unknown operation or bad variables are reported by graphql-js itself, with better messages.
  const operation = getOperationAST(document, operationName ?? undefined);
  if (!operation) return undefined;
  const key = `${operationName ?? ''}\u0000${maxCost}`;
  if (passedFixedCost.get(schema)?.get(document)?.has(key)) return undefined;
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {}, { maxErrors: 1 });
  if (coerced.errors) return undefined;
  let cost: number;
  try {
    cost = getComplexity({
      schema,
      query: document,
      variables: variables ?? {},
      operationName: operationName ?? undefined,
      estimators: [fieldExtensionsEstimator(), listByFirstEstimator, simpleEstimator({ defaultComplexity: 1 })],
    });
  } catch (error) {
    // Too many nodes (fragment explosion): an input error, never a crash.
    return limitError(`Query is too large to run: ${(error as Error).message}`, { maxCost });
  }
  if (cost > maxCost) {
    return limitError(`Query is too expensive: cost ${cost} exceeds the limit of ${maxCost}. Ask for fewer items (first) or fewer nested lists.`, {
      maxCost,
      cost,
    });
  }
  if (costIgnoresVariables(schema, document)) {
    getOrAdd(getOrAdd(passedFixedCost, schema, () => new WeakMap()), document, () => new Set()).add(key);
  }
  return undefined;
}

/** The validation rules of {@link OperationLimits} (HTTP passes them to Apollo, graphql-ws to `validate`). */
export function limitValidationRules(limits: OperationLimits): ValidationRule[] {
  return [depthLimitRule(limits.maxDepth), aliasLimitRule(limits.maxAliases)];
}

/** Apollo plugin: the cost check needs variables, so it runs once the operation is resolved. */
export function costLimitPlugin(limits: OperationLimits): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, schema }) {
          const error = checkOperationCost(schema, document, request.variables, request.operationName, limits.maxCost);
          if (error) throw error;
        },
      };
    },
  };
}
