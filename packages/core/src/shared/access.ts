import { type ApiKeyScope, type Caller, type Role, requireCaller, type ServiceContext } from './context.ts';
import { forbidden } from './errors.ts';

/**
 * The caller if they hold `role`, else UNAUTHENTICATED (nobody signed in) or FORBIDDEN.
 * The API's authChecker already guards root fields; services call this again because they never
 * trust their caller (a CLI, a job or another service may call them too).
 */
export function requireRole(ctx: ServiceContext, role: Role): Caller {
  const caller = requireCaller(ctx);
  if (caller.role !== role) throw forbidden(`This requires the ${role} role`);
  if (role === 'ADMIN' && caller.apiKey && !keyHasScope(caller, 'ADMIN')) throw forbidden('This requires an API key with the ADMIN scope');
  return caller;
}

/**
 * True when the caller is an API key whose scopes include `scope`. Scopes nest: ADMIN includes
 * COUPONS_WRITE, which includes COUPONS_READ.
 */
export function keyHasScope(caller: Caller | null | undefined, scope: ApiKeyScope): boolean {
  const scopes = caller?.apiKey?.scopes;
  if (!scopes) return false;
  return scopes.some((held) => SCOPE_RANK[held] >= SCOPE_RANK[scope]);
}

const SCOPE_RANK: Record<ApiKeyScope, number> = { COUPONS_READ: 0, COUPONS_WRITE: 1, ADMIN: 2 };

/**
 * The caller if they may act on other people's coupons (assign for a user, act for a shop's
 * customer, refund an order): an admin, or an API key with `scope` (COUPONS_WRITE by default;
 * COUPONS_READ for reading a customer's coupons). Else FORBIDDEN.
 */
export function requireActingForOthers(ctx: ServiceContext, scope: 'COUPONS_READ' | 'COUPONS_WRITE' = 'COUPONS_WRITE'): Caller {
  const caller = requireCaller(ctx);
  const allowed = caller.apiKey ? keyHasScope(caller, scope) : caller.role === 'ADMIN';
  if (!allowed) throw forbidden(`Only an admin or an API key with the ${scope} scope may do this`);
  return caller;
}

/** Shorthand for {@link requireRole}(ctx, 'ADMIN'). */
export function requireAdmin(ctx: ServiceContext): Caller {
  return requireRole(ctx, 'ADMIN');
}

/**
 * True when the caller may do what an admin may (no throw), for "admins see everything" branches:
 * an admin, or an API key with the ADMIN scope ({@link requireRole}'s rule). A key's caller always
 * has the ADMIN role, so a branch on the role alone would give a COUPONS_READ key an admin's view.
 */
export function isAdmin(ctx: ServiceContext): boolean {
  const caller = ctx.caller;
  return caller?.role === 'ADMIN' && (!caller.apiKey || keyHasScope(caller, 'ADMIN'));
}
