import { findUserByEmail, getMe, listUsers, type UserRecord } from '@coupons/core';
import { Arg, Args, Authorized, Ctx, Query, Resolver } from 'type-graphql';
import { type ConnectionShape, toConnection } from '../shared/connection.ts';
import type { RequestContext } from '../shared/request-context.ts';
import { UserConnection, UsersArgs } from './user-connection.type.ts';
import { User } from './user.type.ts';

@Resolver(() => User)
export class UserResolver {
  @Authorized()
  @Query(() => User, { nullable: true, description: 'The signed-in user (null if the account was deleted).' })
  me(@Ctx() ctx: RequestContext): Promise<UserRecord | null> {
    return getMe(ctx.service);
  }

  @Authorized('ADMIN')
  @Query(() => UserConnection, { description: 'ADMIN: users ordered by email.' })
  async users(@Args(() => UsersArgs) args: UsersArgs, @Ctx() ctx: RequestContext): Promise<ConnectionShape<UserRecord>> {
    return toConnection(await listUsers(ctx.service, args), args.after);
  }

  @Authorized('ADMIN')
  @Query(() => User, { nullable: true, description: 'ADMIN: a user by email (case-insensitive).' })
  userByEmail(@Arg('email', () => String) email: string, @Ctx() ctx: RequestContext): Promise<UserRecord | null> {
    return findUserByEmail(ctx.service, email);
  }
}
