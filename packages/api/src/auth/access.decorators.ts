import { type AuthCheckerFn, Authorized } from 'type-graphql';
import type { Role } from '@coupons/core';
import { forbidden, unauthenticated } from '@coupons/core';
import type { RequestContext } from '../shared/request-context.ts';

/**
 * The access markers a field may carry. Every root field declares one (server/schema.ts refuses
 * to build otherwise, and a test walks the schema):
 *
 * - `@Public()`            anyone, even without a token; a bad token is ignored (register, login)
 * - `@Authorized()`        any signed-in user
 * - `@Authorized('ADMIN')` admins only
 */
export const PUBLIC = 'PUBLIC';

/** The roles `@Authorized(...)` may name. */
export type AccessRole = Role | typeof PUBLIC;
export const ACCESS_ROLES: readonly AccessRole[] = ['ADMIN', 'USER', PUBLIC];

/** Marks a field as open to anonymous callers. Use it only where signing in cannot be required. */
export function Public(): MethodDecorator & PropertyDecorator {
  return Authorized<AccessRole>(PUBLIC);
}

/**
 * The one place roles are enforced, for every `@Authorized` / `@Public` field. It throws the
 * contract's errors itself (UNAUTHENTICATED, FORBIDDEN) rather than returning `false`, so the
 * client sees the same codes everywhere.
 */
export const authChecker: AuthCheckerFn<RequestContext, AccessRole> = ({ context }, roles) => {
  assertAccess(context, roles);
  return true;
};

/** {@link authChecker}'s rule, also used to guard subscriptions at subscribe time. */
export function assertAccess(context: RequestContext, roles: readonly AccessRole[]): void {
  if (roles.includes(PUBLIC)) return;
  if (context.authError) throw context.authError;
  const caller = context.service.caller;
  if (!caller) throw unauthenticated();
  if (roles.length > 0 && !roles.includes(caller.role)) {
    throw forbidden(`This requires the ${roles.join(' or ')} role`);
  }
}
