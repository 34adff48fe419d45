import type { CodeJobProgress } from '../codes/code-job.events.ts';
import { requireBook } from '../books/book.service.ts';
import { requireCaller, type ServiceContext } from '../shared/context.ts';
import { normaliseCode, requireUuid } from '../shared/validation.ts';
import type { BookStats } from './book-stats.sql.ts';
import { canSeeEvent, isOwnOrAdmin, type LiveCouponEvent } from './coupon-event.record.ts';
import type { EventStream } from './event.stream.ts';
import type { LiveEvents } from './live-events.ts';

/**
 * The subscriptions' use cases. Access rules (documented in the README, "Live updates"):
 *
 * - `couponEvents`: any signed-in caller. An ADMIN receives every event (optionally of one book
 *   or one code); a USER receives only events whose `user_id` (the holder the transition
 *   concerns: after it, or for UNASSIGNED the one it was taken from) is them, checked on every
 *   event, so a coupon they do not own never shows up, whatever `bookId`/`code` they name, and
 *   CREATED_BULK summaries (no owner) never reach them. Each event reaches a USER through
 *   `eventForCaller`: it is hydrated at delivery, when the code may have changed hands, so its
 *   coupon, redemption and actor show only when they are theirs.
 * - `redemptionEvents`: any signed-in caller; a USER receives only their own redemptions (and
 *   reversals of them), an ADMIN all (optionally of one book). The redemption's coupon, as it is
 *   at delivery, shows a USER only while they hold it (API `Redemption.coupon`).
 * - `bookStats`, `codeJob`: ADMIN only (campaign-wide numbers); a USER gets FORBIDDEN and no data.
 *
 * Arguments are checked before subscribing (BAD_USER_INPUT naming the field; NOT_FOUND for an
 * unknown book or job), so a bad subscription fails at once instead of staying silent.
 */
export async function subscribeCouponEvents(
  ctx: ServiceContext,
  live: LiveEvents,
  args: { bookId?: string | null; code?: string | null },
): Promise<EventStream<LiveCouponEvent>> {
  const caller = requireCaller(ctx);
  const bookId = args.bookId === null || args.bookId === undefined ? null : requireUuid('bookId', args.bookId);
  const code = args.code === null || args.code === undefined ? null : normaliseCode('code', args.code);
  if (bookId) await requireBook(ctx, bookId, 'bookId');
  return live.couponEvents.subscribe(
    (event) =>
      canSeeEvent(caller, event) &&
      (bookId === null || event.bookId === bookId) &&
      (code === null || event.coupon?.code === code),
  );
}

/** REDEEMED and REVERSED events (each carries its Redemption row), per the rules above. */
export async function subscribeRedemptionEvents(
  ctx: ServiceContext,
  live: LiveEvents,
  args: { bookId?: string | null },
): Promise<EventStream<LiveCouponEvent>> {
  const caller = requireCaller(ctx);
  const bookId = args.bookId === null || args.bookId === undefined ? null : requireUuid('bookId', args.bookId);
  if (bookId) await requireBook(ctx, bookId, 'bookId');
  return live.couponEvents.subscribe(
    (event) =>
      event.redemption !== null &&
      canSeeEvent(caller, event) &&
      isOwnOrAdmin(caller, event.redemption.userId) &&
      (bookId === null || event.bookId === bookId),
  );
}

/** A book's live counters (ADMIN): the current value first, then each change, throttled. */
export function subscribeBookStats(ctx: ServiceContext, live: LiveEvents, bookId: string): Promise<EventStream<BookStats>> {
  return live.bookStats.subscribe(ctx, bookId);
}

/** A code job's progress (ADMIN): the stored progress first, then live, ending with the job. */
export function subscribeCodeJob(ctx: ServiceContext, live: LiveEvents, jobId: string): Promise<EventStream<CodeJobProgress>> {
  return live.codeJobs.subscribe(ctx, jobId);
}
