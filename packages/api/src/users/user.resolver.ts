import { findUserByEmail, getMe, listUsers, revokeUserSessions, signOutEverywhere, type UserRecord } from '@coupons/core';
import { Arg, Args, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { type ConnectionShape, toConnection } from '../shared/connection.ts';
import type { RequestContext } from '../shared/request-context.ts';
import { UserConnection, UsersArgs } from './user-connection.type.ts';
import { User } from './user.type.ts';

@Resolver(() => User)
export class UserResolver {
  @Authorized()
  @Query(() => User, { nullable: true, description: 'The signed-in user (a deleted account\'s token is refused: UNAUTHENTICATED).' })
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

  @Authorized('ADMIN')
  @Mutation(() => User, {
    description: 'ADMIN: signs a user out everywhere: every token they hold is refused from the next request on.',
  })
  async revokeUserSessions(@Arg('userId', () => ID) userId: string, @Ctx() ctx: RequestContext): Promise<UserRecord> {
    const user = await revokeUserSessions(ctx.service, userId);
    ctx.onSessionsChanged?.(user.id);
    return user;
  }

  @Authorized()
  @Mutation(() => Boolean, {
    description: 'Signs you out everywhere, this session included: every token you hold is refused from now on.',
  })
  async signOutEverywhere(@Ctx() ctx: RequestContext): Promise<boolean> {
    const done = await signOutEverywhere(ctx.service);
    const caller = ctx.service.caller;
    if (caller) ctx.onSessionsChanged?.(caller.userId);
    return done;
  }
}
