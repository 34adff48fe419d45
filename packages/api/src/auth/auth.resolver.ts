import { login, register } from '@coupons/core';
import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { RequestContext } from '../shared/request-context.ts';
import { Public } from './access.decorators.ts';
import { AuthPayload } from './auth-payload.type.ts';
import { authSettings } from './auth.settings.ts';

@Resolver()
export class AuthResolver {
  @Public()
  @Mutation(() => AuthPayload, {
    description:
      'Creates a USER account and signs it in. Rate-limited per client address and globally; FORBIDDEN when registration is closed (REGISTRATION=closed).',
  })
  register(
    @Arg('email', () => String) email: string,
    @Arg('password', () => String, { description: '8 to 128 characters.' }) password: string,
    @Ctx() ctx: RequestContext,
  ): Promise<AuthPayload> {
    return register(ctx.service, { email, password, ip: ctx.ip }, authSettings(ctx.config));
  }

  @Public()
  @Mutation(() => AuthPayload, {
    description:
      'Signs in; rate-limited per (email, client address) with back-off, per client address, and per email across addresses (RATE_LIMITED with retryAfterSeconds).',
  })
  login(
    @Arg('email', () => String) email: string,
    @Arg('password', () => String) password: string,
    @Ctx() ctx: RequestContext,
  ): Promise<AuthPayload> {
    return login(ctx.service, { email, password, ip: ctx.ip }, authSettings(ctx.config));
  }
}
