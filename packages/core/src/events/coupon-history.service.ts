import type { CouponRecord } from '../coupons/coupon.record.ts';
import { requireCaller, type ServiceContext } from '../shared/context.ts';
import { badInput } from '../shared/errors.ts';
import { decodeCursor, encodeCursor, type Page, type PageArgs, pageSize, toPage } from '../shared/pagination.ts';
import { eventForCaller, type LiveCouponEvent } from './coupon-event.record.ts';
import { readCouponHistory } from './outbox.sql.ts';

/**
 * Every transition of a coupon, newest first, with its actor, reason and time (`Coupon.events`).
 * The caller already sees the coupon (its field resolver's parent decided that). A code can
 * change hands, so a USER gets only the events of their own holdings of it, chosen in SQL so
 * paging and totalCount count nothing else, and of those only what is theirs (eventForCaller):
 * who acted when it was themself, their redemption, the coupon while they hold it.
 */
export async function listCouponHistory(ctx: ServiceContext, coupon: Pick<CouponRecord, 'id'>, args: PageArgs): Promise<Page<LiveCouponEvent>> {
  const caller = requireCaller(ctx);
  const limit = pageSize(args.first);
  let before: bigint | null = null;
  if (args.after) {
    const [id] = decodeCursor(args.after, ['string']) as [string];
    if (!/^\d{1,19}$/.test(id)) throw badInput('after', 'is not a valid cursor');
    before = BigInt(id);
  }
  const { events, totalCount } = await readCouponHistory(ctx.db.pool, {
    couponId: coupon.id,
    holder: caller.role === 'ADMIN' ? null : caller.userId,
    before,
    limit: limit + 1,
    now: ctx.clock.now(),
  });
  return toPage(
    events.map((event) => eventForCaller(caller, event)),
    limit,
    totalCount,
    (event) => encodeCursor([event.id]),
  );
}
