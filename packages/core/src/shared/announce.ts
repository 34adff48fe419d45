import type { Prisma } from '@coupons/db';
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

/**
 * Runs `work` in one interactive transaction, then announces the events it wrote once it has
 * committed (never inside it: a listener would read rows not yet visible, or rolled back), and
 * returns its value. For a service whose transaction writes coupon events beside other changes.
 */
export async function transactThenAnnounce<T>(
  ctx: ServiceContext,
  work: (tx: Prisma.TransactionClient) => Promise<{ value: T; eventIds: ReadonlyArray<string> }>,
  options: { timeout: number; maxWait: number },
): Promise<T> {
  const { value, eventIds } = await ctx.db.prisma.$transaction(work, options);
  announceCommitted(ctx, eventIds);
  return value;
}
