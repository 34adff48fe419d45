import type { ServiceContext } from '../shared/context.ts';

/**
 * Announces committed CouponEvent rows (the outbox) to live subscribers. Services call it only
 * after their transaction has committed, so nobody hears of a rolled-back change. A lost
 * announcement costs a delay, not an event: listeners catch up from the table by id.
 */
export interface EventAnnouncer {
  announce(eventIds: readonly string[]): void;
}

/** Tells the announcer (if any) about events that have just been committed. */
export function announceCommitted(ctx: ServiceContext, eventIds: ReadonlyArray<string | null | undefined>): void {
  const ids = eventIds.filter((id): id is string => typeof id === 'string' && id.length > 0);
  if (ids.length > 0) ctx.events?.announce(ids);
}
