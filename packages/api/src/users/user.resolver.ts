import {
  disableUser,
  enableUser,
  eraseUser,
  findUserByEmail,
  findUserByExternalId,
  getMe,
  listUsers,
  revokeUserSessions,
  setUserRole,
  signOutEverywhere,
  type UserRecord,
} from '@coupons/core';
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { type ConnectionShape, toConnection } from '../shared/connection.ts';
import type { RequestContext } from '../shared/request-context.ts';
import { UserConnection, UsersArgs } from './user-connection.type.ts';
import { RoleEnum, User } from './user.type.ts';

@Resolver(() => User)
export class UserResolver {
  @Authorized()
  @Query(() => User, { nullable: true, description: 'The signed-in user (a deleted account\'s token is refused: UNAUTHENTICATED).' })
  me(@Ctx() ctx: RequestContext): Promise<UserRecord | null> {
    return getMe(ctx.service);
  }

  @Authorized('ADMIN')
  @Query(() => UserConnection, {
    description:
      "ADMIN: people (by email), then the shop's customers (by externalId); erased users are not listed. Filters: search, role, disabled.",
  })
  async users(@Args(() => UsersArgs) args: UsersArgs, @Ctx() ctx: RequestContext): Promise<ConnectionShape<UserRecord>> {
    return toConnection(await listUsers(ctx.service, args), args.after);
  }

  @Authorized('ADMIN')
  @Query(() => User, { nullable: true, description: 'ADMIN: a user by email (case-insensitive).' })
  userByEmail(@Arg('email', () => String) email: string, @Ctx() ctx: RequestContext): Promise<UserRecord | null> {
    return findUserByEmail(ctx.service, email);
  }

  @Authorized('ADMIN')
  @Query(() => User, {
    nullable: true,
    description: "ADMIN: a shop's customer by the shop's own id of them (externalId, the customerId keys act with; exact match).",
  })
  userByExternalId(@Arg('externalId', () => String) externalId: string, @Ctx() ctx: RequestContext): Promise<UserRecord | null> {
    return findUserByExternalId(ctx.service, externalId);
  }

  @Authorized('ADMIN')
  @Mutation(() => User, {
    description:
      "ADMIN: makes a user ADMIN or USER (from their next request on). INVALID_STATE for the last enabled admin's demotion; BAD_USER_INPUT for making a shop's customer an admin.",
  })
  async setUserRole(
    @Arg('userId', () => ID) userId: string,
    @Arg('role', () => RoleEnum) role: 'ADMIN' | 'USER',
    @Ctx() ctx: RequestContext,
  ): Promise<UserRecord> {
    const user = await setUserRole(ctx.service, userId, role);
    // A demoted admin's open admin subscriptions are closed (4403) now, not at the next tick.
    ctx.onSessionsChanged?.(user.id);
    return user;
  }

  @Authorized('ADMIN')
  @Mutation(() => User, {
    description:
      "ADMIN: disables a user at once: their tokens, refresh tokens, API keys and open sockets stop, and login refuses them (FORBIDDEN, once the password is right); for a shop's customer, claims, locks, unlocks and redemptions acting for them are FORBIDDEN (their coupons stay theirs). Not yourself. Enabling them later does not revive old sessions.",
  })
  async disableUser(@Arg('userId', () => ID) userId: string, @Ctx() ctx: RequestContext): Promise<UserRecord> {
    const user = await disableUser(ctx.service, userId);
    ctx.onSessionsChanged?.(user.id);
    return user;
  }

  @Authorized('ADMIN')
  @Mutation(() => User, { description: 'ADMIN: enables a disabled user again; they sign in anew.' })
  enableUser(@Arg('userId', () => ID) userId: string, @Ctx() ctx: RequestContext): Promise<UserRecord> {
    return enableUser(ctx.service, userId);
  }

  @Authorized('ADMIN')
  @Mutation(() => Boolean, {
    description:
      'ADMIN: erases a user (GDPR): their unused coupons go back to their books, their pool memberships, refresh tokens and API keys are deleted, and only the id is left; redemptions and history stay, anonymous. Not yourself; not the last enabled admin. True (also when already erased).',
  })
  async eraseUser(@Arg('userId', () => ID) userId: string, @Ctx() ctx: RequestContext): Promise<boolean> {
    await eraseUser(ctx.service, userId);
    ctx.onSessionsChanged?.(userId);
    return true;
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

  @FieldResolver(() => Boolean, {
    description: 'True while an admin has disabled the account: its tokens, API keys and sockets stop, and login refuses it.',
  })
  disabled(@Root() user: UserRecord): boolean {
    return user.disabledAt !== null && user.disabledAt !== undefined;
  }
}
