import {
  addPoolMembers,
  createPool,
  deletePool,
  getPool,
  listPoolMembers,
  listPools,
  type PoolRecord,
  removePoolMembers,
  updatePool,
  type UserRecord,
} from '@coupons/core';
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { ConnectionArgs, type ConnectionShape, toConnection } from '../shared/connection.ts';
import type { RequestContext } from '../shared/request-context.ts';
import { UserConnection } from '../users/user-connection.type.ts';
import { Pool, PoolConnection, PoolMembersArgs, UpdatePoolInput } from './pool.type.ts';

@Resolver(() => Pool)
export class PoolResolver {
  @Authorized('ADMIN')
  @Query(() => Pool, { nullable: true, description: 'ADMIN: a pool by id.' })
  pool(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<PoolRecord | null> {
    return getPool(ctx.service, id);
  }

  @Authorized('ADMIN')
  @Query(() => PoolConnection, { description: 'ADMIN: pools, newest first.' })
  async pools(@Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: RequestContext): Promise<ConnectionShape<PoolRecord>> {
    return toConnection(await listPools(ctx.service, args), args.after);
  }

  @Authorized('ADMIN')
  @Mutation(() => Pool, { description: 'ADMIN: creates a pool.' })
  createPool(
    @Arg('name', () => String) name: string,
    @Arg('description', () => String, { nullable: true }) description: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<PoolRecord> {
    return createPool(ctx.service, { name, description });
  }

  @Authorized('ADMIN')
  @Mutation(() => Pool, { description: 'ADMIN: renames a pool or changes its description (waits for running distributions of it).' })
  updatePool(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdatePoolInput) input: UpdatePoolInput,
    @Ctx() ctx: RequestContext,
  ): Promise<PoolRecord> {
    return updatePool(ctx.service, id, input);
  }

  @Authorized('ADMIN')
  @Mutation(() => Boolean, {
    description:
      "ADMIN: deletes a pool and its member list. Coupons it handed out stay with their owners; its distributions' record is kept in the audit log (POOL_DELETED).",
  })
  deletePool(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<boolean> {
    return deletePool(ctx.service, id);
  }

  @Authorized('ADMIN')
  @Mutation(() => Pool, {
    description: 'ADMIN: adds users by id and/or email (case-insensitive). Unknown ids: NOT_FOUND; unknown emails: listed in `unknownEmails`.',
  })
  async addPoolMembers(
    @Arg('poolId', () => ID) poolId: string,
    @Arg('userIds', () => [ID], { nullable: true }) userIds: string[] | null,
    @Arg('emails', () => [String], { nullable: true }) emails: string[] | null,
    @Ctx() ctx: RequestContext,
  ): Promise<PoolRecord & { unknownEmails: string[] }> {
    const { pool, unknownEmails } = await addPoolMembers(ctx.service, { poolId, userIds, emails });
    return { ...pool, unknownEmails };
  }

  @Authorized('ADMIN')
  @Mutation(() => Pool, { description: 'ADMIN: removes users from a pool (ids that are not members are ignored).' })
  removePoolMembers(
    @Arg('poolId', () => ID) poolId: string,
    @Arg('userIds', () => [ID]) userIds: string[],
    @Ctx() ctx: RequestContext,
  ): Promise<PoolRecord> {
    return removePoolMembers(ctx.service, { poolId, userIds });
  }

  @FieldResolver(() => Int, { description: 'Members now (batched over every pool of the response).' })
  memberCount(@Root() pool: PoolRecord, @Ctx() ctx: RequestContext): Promise<number> {
    return ctx.loaders.poolMemberCount.load(pool.id);
  }

  @FieldResolver(() => UserConnection, { description: 'Members in the order they were added.' })
  async members(
    @Root() pool: PoolRecord,
    @Args(() => PoolMembersArgs) args: PoolMembersArgs,
    @Ctx() ctx: RequestContext,
  ): Promise<ConnectionShape<UserRecord>> {
    return toConnection(await listPoolMembers(ctx.service, pool.id, args), args.after);
  }
}
