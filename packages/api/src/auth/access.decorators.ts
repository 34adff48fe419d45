import { type AuthCheckerFn, Authorized } from 'type-graphql';
import type { ApiKeyScope, Role } from '@coupons/core';
import { forbidden, keyHasScope, unauthenticated } from '@coupons/core';
import type { RequestContext } from '../shared/request-context.ts';

/**
 * The access markers a field may carry. Every root field declares one (server/schema.ts refuses
 * to build otherwise, and a test walks the schema):
 *
 * - `@Public()`            anyone, even without a token; a bad token is ignored (register, login)
 * - `@Authorized()`        any signed-in person (API keys are refused: `me`, `myCoupons` …)
 * - `@Authorized('ADMIN')` admins, and API keys with the ADMIN scope (what an admin may do)
 * - `@Shopper('COUPONS_WRITE')`  any signed-in person, and keys with that scope (acting for a
 *                                shop's customer: claim, lock, redeem, validate)
 * - `@AdminOrKey('COUPONS_READ')` admins, and keys with that scope (a shop backend's reads)
 *
 * Key scopes nest: ADMIN includes COUPONS_WRITE, which includes COUPONS_READ.
 */
export const PUBLIC = 'PUBLIC';

/** The roles and key scopes `@Authorized(...)` may name. */
export type AccessRole = Role | typeof PUBLIC | ApiKeyScope;
export const ACCESS_ROLES: readonly AccessRole[] = ['ADMIN', 'USER', PUBLIC, 'COUPONS_READ', 'COUPONS_WRITE'];

const PEOPLE: readonly AccessRole[] = ['ADMIN', 'USER'];
const SCOPES: readonly AccessRole[] = ['COUPONS_READ', 'COUPONS_WRITE', 'ADMIN'];

/** Any signed-in person, and API keys holding `scope`. */
export function Shopper(scope: 'COUPONS_READ' | 'COUPONS_WRITE'): MethodDecorator & PropertyDecorator {
  return Authorized<AccessRole>('USER', 'ADMIN', scope);
}

/** Admins, and API keys holding `scope`. */
export function AdminOrKey(scope: 'COUPONS_READ' | 'COUPONS_WRITE'): MethodDecorator & PropertyDecorator {
  return Authorized<AccessRole>('ADMIN', scope);
}

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
  if (caller.apiKey) {
    // A key reaches only fields that name a scope it holds ('ADMIN' is a role and a scope).
    const scopes = roles.filter((r) => SCOPES.includes(r)) as ApiKeyScope[];
    if (!scopes.some((scope) => keyHasScope(caller, scope))) {
      throw forbidden(scopes.length ? `This requires an API key with the ${scopes.join(' or ')} scope` : 'API keys cannot use this field');
    }
    return;
  }
  const people = roles.filter((r) => PEOPLE.includes(r));
  if (people.length > 0 && !people.includes(caller.role)) {
    throw forbidden(`This requires the ${people.join(' or ')} role`);
  }
}
