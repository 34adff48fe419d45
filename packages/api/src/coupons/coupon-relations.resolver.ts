import {
  type BookRecord,
  type CouponRecord,
  listBookCoupons,
  listUserCoupons,
  type RedemptionRecord,
  type UserRecord,
} from '@coupons/core';
import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { Book } from '../books/book.type.ts';
import { type ConnectionShape, toConnection } from '../shared/connection.ts';
import type { RequestContext } from '../shared/request-context.ts';
import { User } from '../users/user.type.ts';
import { CouponListArgs } from './coupon.args.ts';
import { Coupon, CouponConnection, Redemption } from './coupon.type.ts';

/** Coupon → its book (batched). */
@Resolver(() => Coupon)
export class CouponBookResolver {
  @FieldResolver(() => Book, { nullable: true, description: 'The book this code belongs to (batched).' })
  book(@Root() coupon: CouponRecord, @Ctx() ctx: RequestContext): Promise<BookRecord | null> {
    return ctx.loaders.bookById.load(coupon.bookId);
  }
}

/** Redemption → its book (batched). */
@Resolver(() => Redemption)
export class RedemptionBookResolver {
  @FieldResolver(() => Book, { nullable: true })
  book(@Root() redemption: RedemptionRecord, @Ctx() ctx: RequestContext): Promise<BookRecord | null> {
    return ctx.loaders.bookById.load(redemption.bookId);
  }
}

/** Book → its coupons (ADMIN), newest first, filterable by state. */
@Resolver(() => Book)
export class BookCouponsResolver {
  @FieldResolver(() => CouponConnection, { description: 'ADMIN: the codes of this book, newest first.' })
  async coupons(
    @Root() book: BookRecord,
    @Args(() => CouponListArgs) args: CouponListArgs,
    @Ctx() ctx: RequestContext,
  ): Promise<ConnectionShape<CouponRecord>> {
    return toConnection(await listBookCoupons(ctx.service, book.id, args), args.after);
  }
}

/** User → their coupons (ADMIN, or the user themself). */
@Resolver(() => User)
export class UserCouponsResolver {
  @FieldResolver(() => CouponConnection, { description: "The user's coupons (ADMIN or the user themself)." })
  async coupons(
    @Root() user: UserRecord,
    @Args(() => CouponListArgs) args: CouponListArgs,
    @Ctx() ctx: RequestContext,
  ): Promise<ConnectionShape<CouponRecord>> {
    return toConnection(await listUserCoupons(ctx.service, user.id, args), args.after);
  }
}
