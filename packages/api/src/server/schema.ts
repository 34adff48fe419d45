import 'reflect-metadata';
import { type ValidatorOptions, validateOrReject } from 'class-validator';
import { GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { ArgumentValidationError, buildSchema, getMetadataStorage, type NonEmptyArray } from 'type-graphql';
import { ACCESS_ROLES, type AccessRole, authChecker } from '../auth/access.decorators.ts';
import { noTopicPubSub } from '../events/no-topic.pubsub.ts';
import { resolvers as apiResolvers } from '../resolvers.ts';
import { ErrorExtensions } from '../shared/error-code.type.ts';
import { DateTimeScalar } from '../shared/scalars.ts';

/** A root field and the access it declares (`undefined`: none, which the schema refuses). */
export interface RootFieldAccess {
  operation: 'Query' | 'Mutation' | 'Subscription';
  field: string;
  resolver: string;
  roles: readonly string[] | undefined;
}

/**
 * The declared access of every Query/Mutation/Subscription field of `resolvers`, read from
 * type-graphql's metadata: a field-level `@Authorized` wins over a class-level one.
 */
export function rootFieldAccess(resolvers: readonly Function[] = apiResolvers): RootFieldAccess[] {
  const storage = getMetadataStorage();
  const belongs = (target: Function) =>
    resolvers.some((r) => r === target || Object.prototype.isPrototypeOf.call(target, r));
  const rolesOf = (target: Function, methodName: string) =>
    storage.authorizedFields.find((a) => a.target === target && a.fieldName === methodName)?.roles ??
    storage.authorizedResolver.find((a) => a.target === target)?.roles;
  const list = (operation: RootFieldAccess['operation'], defs: typeof storage.queries) =>
    defs
      .filter((d) => belongs(d.target))
      .map((d) => ({ operation, field: d.schemaName, resolver: d.target.name, roles: rolesOf(d.target, d.methodName) }));
  return [
    ...list('Query', storage.queries),
    ...list('Mutation', storage.mutations),
    ...list('Subscription', storage.subscriptions),
  ];
}

/** Root fields without an access declaration or naming an unknown role, as readable problems. */
export function accessProblems(resolvers: readonly Function[] = apiResolvers): string[] {
  return rootFieldAccess(resolvers).flatMap(({ operation, field, resolver, roles }) => {
    if (roles === undefined) {
      return [`${operation}.${field} (${resolver}) declares no access: add @Public(), @Authorized() or @Authorized('ADMIN')`];
    }
    const unknown = roles.filter((r) => !ACCESS_ROLES.includes(r as AccessRole));
    return unknown.length ? [`${operation}.${field} (${resolver}) names unknown role(s) ${unknown.join(', ')}`] : [];
  });
}

let cached: Promise<GraphQLSchema> | undefined;

/**
 * Builds the schema once per process from `resolvers.ts`, for HTTP and graphql-ws alike. Fails
 * when a root field has no access declaration (denied by default, loudly, at start-up).
 */
export function buildApiSchema(): Promise<GraphQLSchema> {
  cached ??= buildSchemaFrom(apiResolvers);
  return cached;
}

/**
 * The schema's own description (SDL and introspection): the error contract every operation shares,
 * which no single field's description can hold. Kept in step with `ERROR_CODES` by schema.test.ts.
 */
export const SCHEMA_DESCRIPTION = `Coupon Book Service. Every failure is a GraphQL error whose \`extensions.code\` is one of:
UNAUTHENTICATED (no, bad or expired token), FORBIDDEN (not allowed), NOT_FOUND (no such record, or not yours),
BAD_USER_INPUT (invalid arguments; \`extensions.field\` names it), INVALID_STATE (not allowed from the coupon's state),
LOCK_EXPIRED (redeem after the lock expired), LIMIT_REACHED (a per-user limit of the book), SOLD_OUT (no coupon left),
BOOK_NOT_ACTIVE (outside the validity window),
ORDER_NOT_ELIGIBLE (the order cannot use the coupon: below the book's minimum, or in another currency; \`extensions.rule\` says which),
RATE_LIMITED (too many requests: retry after \`extensions.retryAfterSeconds\`),
SERVICE_UNAVAILABLE (the database is unreachable or restarting: \`extensions.retryable\` is true; retry after
\`extensions.retryAfterSeconds\`, with the same idempotencyKey for a mutation; over HTTP a 503 with Retry-After),
or INTERNAL_SERVER_ERROR (a bug: report \`extensions.requestId\`). See docs/api-guide.md, "Errors".`;

// class-validator runs on input/args classes that carry its decorators; classes without any are
// fine (forbidUnknownValues would reject them). skipMissingProperties as type-graphql's default.
const VALIDATOR_OPTIONS: ValidatorOptions = { forbidUnknownValues: false, skipMissingProperties: true };
const validatable = (value: unknown): value is object => value !== null && typeof value === 'object';

/**
 * type-graphql's own argument validation (`validate: { forbidUnknownValues: false }`, same
 * options, same error), with class-validator imported once. type-graphql's default does
 * `await import('class-validator')` for every object argument of every call, and under tsx's
 * loader hooks (how the API runs) each dynamic import is a round trip to the hooks thread:
 * ~0.3 ms of CPU per call (issue 19).
 */
export async function validateArgument(argValue: unknown): Promise<void> {
  if (!validatable(argValue)) return;
  try {
    if (Array.isArray(argValue)) {
      await Promise.all(argValue.filter(validatable).map((item) => validateOrReject(item, VALIDATOR_OPTIONS)));
    } else {
      await validateOrReject(argValue, VALIDATOR_OPTIONS);
    }
  } catch (error) {
    throw new ArgumentValidationError(error as ConstructorParameters<typeof ArgumentValidationError>[0]);
  }
}

async function buildSchemaFrom(resolvers: NonEmptyArray<Function>): Promise<GraphQLSchema> {
  const problems = accessProblems(resolvers);
  if (problems.length > 0) throw new Error(`Every root field must declare its access:\n  ${problems.join('\n  ')}`);
  const built = await buildSchema({
    resolvers,
    // No field returns it; it carries the ErrorCode enum into the SDL for clients' code generators.
    orphanedTypes: [ErrorExtensions],
    authChecker,
    authMode: 'error',
    scalarsMap: [{ type: Date, scalar: DateTimeScalar }],
    // Replaces `validate` (type-graphql then ignores it): the same checks, see validateArgument.
    validateFn: validateArgument,
    emitSchemaFile: false,
    pubSub: noTopicPubSub, // required by type-graphql; every subscription has its own `subscribe`
  });
  // type-graphql has no option for it; the same types (and resolvers), now with the description.
  return new GraphQLSchema({ ...built.toConfig(), description: SCHEMA_DESCRIPTION });
}

/** The checked-in SDL (`schema.graphql`): sorted, so it only changes when the schema does. */
export function printApiSchema(schema: GraphQLSchema): string {
  const header = '# Generated from the type-graphql resolvers by `pnpm schema:print`. Do not edit.\n\n';
  return `${header}${printSchema(lexicographicSortSchema(schema))}\n`;
}
