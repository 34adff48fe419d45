import {
  type BookStats as BookStatsRecord,
  type CodeJobProgress as CodeJobProgressRecord,
  eventForCaller,
  type LiveCouponEvent,
  type LiveEvents,
  type RedemptionRecord,
  subscribeBookStats,
  subscribeCodeJob,
  subscribeCouponEvents,
  subscribeRedemptionEvents,
} from '@coupons/core';
import { Arg, Authorized, Ctx, ID, Resolver, Root, Subscription } from 'type-graphql';
import { AdminOrKey, Shopper } from '../auth/access.decorators.ts';
import { CodeJobProgress } from '../codes/code.type.ts';
import { Redemption } from '../coupons/coupon.type.ts';
import type { RequestContext } from '../shared/request-context.ts';
import { BookStats, CouponEvent } from './live-event.type.ts';

/** The process's live-event machinery; a server started without it cannot serve subscriptions. */
function liveOf(context: unknown): LiveEvents {
  const live = (context as RequestContext).live;
  if (!live) throw new Error('Live events are not running in this server');
  return live;
}

const service = (context: unknown) => (context as RequestContext).service;

/**
 * The `Subscription` root. Each field's `subscribe` validates its arguments and checks access
 * once, before anything is sent (errors come back as one `next` with errors, then `complete`);
 * per-event visibility lives in the core filters (see core `events/live-subscriptions.ts`).
 * The per-event resolvers show each event as its subscriber may see it (`eventForCaller`: a USER
 * keeps its coupon, redemption and actor only when they are theirs) and stamp `serverTime`.
 */
@Resolver()
export class LiveEventResolver {
  @Shopper('COUPONS_READ')
  @Subscription(() => CouponEvent, {
    description:
      'Committed coupon transitions, optionally of one book or one code. A USER receives only events about their own coupons.',
    subscribe: ({ args, context }) =>
      subscribeCouponEvents(service(context), liveOf(context), { bookId: args.bookId, code: args.code }),
  })
  couponEvents(
    @Root() event: LiveCouponEvent,
    @Arg('bookId', () => ID, { nullable: true }) _bookId: string | null,
    @Arg('code', () => String, { nullable: true }) _code: string | null,
    @Ctx() ctx: RequestContext,
  ): CouponEvent {
    const caller = ctx.service.caller;
    const visible = caller ? eventForCaller(caller, event) : event;
    return { ...visible, serverTime: ctx.service.clock.now() };
  }

  @Shopper('COUPONS_READ')
  @Subscription(() => Redemption, {
    description: 'Redemptions as they happen (and again when reversed). A USER receives only their own.',
    subscribe: ({ args, context }) => subscribeRedemptionEvents(service(context), liveOf(context), { bookId: args.bookId }),
  })
  redemptionEvents(
    @Root() event: LiveCouponEvent,
    @Arg('bookId', () => ID, { nullable: true }) _bookId: string | null,
    @Ctx() ctx: RequestContext,
  ): RedemptionRecord {
    // The subscription's filter passes a USER only their own redemptions; this keeps it so.
    const caller = ctx.service.caller;
    return (caller ? eventForCaller(caller, event) : event).redemption as RedemptionRecord;
  }

  @AdminOrKey('COUPONS_READ')
  @Subscription(() => BookStats, {
    description: "ADMIN: a book's counters, now and on every change (at most ~4 per second).",
    subscribe: ({ args, context }) => subscribeBookStats(service(context), liveOf(context), args.bookId),
  })
  bookStats(@Root() stats: BookStatsRecord, @Arg('bookId', () => ID) _bookId: string): BookStatsRecord {
    return stats;
  }

  @Authorized('ADMIN')
  @Subscription(() => CodeJobProgress, {
    description: 'ADMIN: progress of a generate/upload job, from its stored state to COMPLETED or FAILED.',
    subscribe: ({ args, context }) => subscribeCodeJob(service(context), liveOf(context), args.jobId),
  })
  codeJob(@Root() progress: CodeJobProgressRecord, @Arg('jobId', () => ID) _jobId: string): CodeJobProgressRecord {
    return progress;
  }
}
