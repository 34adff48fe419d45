import type { NonEmptyArray } from 'type-graphql';
import { ApiKeyResolver } from './apikeys/api-key.resolver.ts';
import { AuditResolver } from './audit/audit.resolver.ts';
import { AuthResolver } from './auth/auth.resolver.ts';
import { BookActivityResolver } from './books/book-activity.resolver.ts';
import { BookResolver } from './books/book.resolver.ts';
import { LiveBooksResolver } from './books/live-books.resolver.ts';
import { CodeResolver } from './codes/code.resolver.ts';
import {
  BookCouponsResolver,
  CouponBookResolver,
  RedemptionBookResolver,
  UserCouponsResolver,
} from './coupons/coupon-relations.resolver.ts';
import { CouponControlResolver } from './coupons/coupon-control.resolver.ts';
import { CouponResolver, RedemptionResolver } from './coupons/coupon.resolver.ts';
import { ValidateCouponResolver } from './coupons/validate.resolver.ts';
import { CouponHistoryResolver } from './events/coupon-history.resolver.ts';
import { LiveEventResolver } from './events/live-event.resolver.ts';
import { DistributionResolver, DistributionShareResolver } from './pools/distribution.resolver.ts';
import { PoolResolver } from './pools/pool.resolver.ts';
import { UserResolver } from './users/user.resolver.ts';
import { WebhookResolver } from './webhooks/webhook.resolver.ts';

/**
 * Every resolver class of the API. To add a feature, import its resolver and append it here;
 * server/schema.ts builds the schema from this list and refuses a root field that does not
 * declare its access (`@Public()`, `@Authorized()` or `@Authorized('ADMIN')`).
 */
export const resolvers: NonEmptyArray<Function> = [AuthResolver, UserResolver, CouponResolver, RedemptionResolver,
  BookResolver, BookActivityResolver, LiveBooksResolver, CodeResolver, PoolResolver, CouponBookResolver, RedemptionBookResolver, BookCouponsResolver,
  UserCouponsResolver, DistributionResolver, DistributionShareResolver, LiveEventResolver, ApiKeyResolver,
  ValidateCouponResolver, AuditResolver, CouponControlResolver,
  CouponHistoryResolver, WebhookResolver];
