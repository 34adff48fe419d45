import { type Caller, type Role, requireCaller, type ServiceContext } from '../shared/context.ts';
import { forbidden } from '../shared/errors.ts';

/**
 * The caller if they hold `role`, else UNAUTHENTICATED (nobody signed in) or FORBIDDEN.
 * The API's authChecker already guards root fields; services call this again because they never
 * trust their caller (a CLI, a job or another service may call them too).
 */
export function requireRole(ctx: ServiceContext, role: Role): Caller {
  const caller = requireCaller(ctx);
  if (caller.role !== role) throw forbidden(`This requires the ${role} role`);
  return caller;
}

/** Shorthand for {@link requireRole}(ctx, 'ADMIN'). */
export function requireAdmin(ctx: ServiceContext): Caller {
  return requireRole(ctx, 'ADMIN');
}

/** True when the caller is an admin (no throw), for "admins see everything" branches. */
export function isAdmin(ctx: ServiceContext): boolean {
  return ctx.caller?.role === 'ADMIN';
}
