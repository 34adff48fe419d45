import type { ServiceContext } from './context.ts';

// The EventAnnouncer interface lives with the ServiceContext that carries it (shared/context.ts),
// so that the context does not depend on events/; this helper lives beside it, so that the
// services that announce (coupons/, codes/, pools/) do not depend on events/ either, which
// depends on them (it reads their rows to fan the events out).

/** Tells the announcer (if any) about events that have just been committed. */
export function announceCommitted(ctx: ServiceContext, eventIds: ReadonlyArray<string | null | undefined>): void {
  const ids = eventIds.filter((id): id is string => typeof id === 'string' && id.length > 0);
  if (ids.length > 0) ctx.events?.announce(ids);
}
