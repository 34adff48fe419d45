import {
  type DistributionPlan,
  type DistributionRecord,
  distributeToPool,
  type PlanEntry,
  type PoolRecord,
  previewDistribution,
  type BookRecord,
  type UserRecord,
} from '@coupons/core';
import { Args, Authorized, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { Book } from '../books/book.type.ts';
import type { RequestContext } from '../shared/request-context.ts';
import { User } from '../users/user.type.ts';
import { DistributeToPoolArgs, Distribution, DistributionArgs, DistributionPreview, DistributionShare } from './distribution.type.ts';
import { Pool } from './pool.type.ts';

@Resolver(() => Distribution)
export class DistributionResolver {
  @Authorized('ADMIN')
  @Mutation(() => DistributionPreview, { description: 'ADMIN: what distributeToPool would do now; changes nothing.' })
  previewDistribution(@Args(() => DistributionArgs) args: DistributionArgs, @Ctx() ctx: RequestContext): Promise<DistributionPlan> {
    return previewDistribution(ctx.service, args);
  }

  @Authorized('ADMIN')
  @Mutation(() => Distribution, {
    description: 'ADMIN: assigns coupons of a book to the members of a pool, in one transaction, as previewDistribution plans it.',
  })
  distributeToPool(@Args(() => DistributeToPoolArgs) args: DistributeToPoolArgs, @Ctx() ctx: RequestContext): Promise<DistributionRecord> {
    return distributeToPool(ctx.service, args);
  }

  @FieldResolver(() => Pool, { nullable: true })
  pool(@Root() distribution: DistributionRecord, @Ctx() ctx: RequestContext): Promise<PoolRecord | null> {
    return ctx.loaders.poolById.load(distribution.poolId);
  }

  @FieldResolver(() => Book, { nullable: true })
  book(@Root() distribution: DistributionRecord, @Ctx() ctx: RequestContext): Promise<BookRecord | null> {
    return ctx.loaders.bookById.load(distribution.bookId);
  }

  @FieldResolver(() => User, { nullable: true })
  createdBy(@Root() distribution: DistributionRecord, @Ctx() ctx: RequestContext): Promise<UserRecord | null> {
    return ctx.loaders.userById.load(distribution.createdById);
  }
}

@Resolver(() => DistributionShare)
export class DistributionShareResolver {
  @FieldResolver(() => User, { nullable: true })
  user(@Root() share: PlanEntry, @Ctx() ctx: RequestContext): Promise<UserRecord | null> {
    return ctx.loaders.userById.load(share.userId);
  }
}
