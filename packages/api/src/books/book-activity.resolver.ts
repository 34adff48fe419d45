import { type BookRecord, type ClaimBucket as ClaimBucketRecord, claimsOverTime, type RedemptionBucket as RedemptionBucketRecord, redemptionsOverTime } from '@coupons/core';
import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../shared/request-context.ts';
import { CLAIMS_OVER_TIME_DOC, ClaimBucket, REDEMPTIONS_OVER_TIME_DOC, RedemptionBucket, RedemptionsOverTimeArgs } from './book-activity.type.ts';
import { Book } from './book.type.ts';

/** Book → its redemptions and claims over time (ADMIN, checked by the service: the chart of the console's book page). */
@Resolver(() => Book)
export class BookActivityResolver {
  @FieldResolver(() => [RedemptionBucket], { description: REDEMPTIONS_OVER_TIME_DOC })
  redemptionsOverTime(
    @Root() book: BookRecord,
    @Args(() => RedemptionsOverTimeArgs) args: RedemptionsOverTimeArgs,
    @Ctx() ctx: RequestContext,
  ): Promise<RedemptionBucketRecord[]> {
    return redemptionsOverTime(ctx.service, book.id, args);
  }

  @FieldResolver(() => [ClaimBucket], { description: CLAIMS_OVER_TIME_DOC })
  claimsOverTime(
    @Root() book: BookRecord,
    @Args(() => RedemptionsOverTimeArgs) args: RedemptionsOverTimeArgs,
    @Ctx() ctx: RequestContext,
  ): Promise<ClaimBucketRecord[]> {
    return claimsOverTime(ctx.service, book.id, args);
  }
}
