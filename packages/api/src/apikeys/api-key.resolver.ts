import { type ApiKeyRecord, createApiKey, listApiKeyPage, listApiKeys, revokeApiKey } from '@coupons/core';
import { Arg, Args, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { ConnectionArgs, type ConnectionShape, createConnectionType, toConnection } from '../shared/connection.ts';
import type { RequestContext } from '../shared/request-context.ts';
import { ApiKey, CreateApiKeyInput, CreatedApiKey } from './api-key.type.ts';

export const ApiKeyConnection = createConnectionType('ApiKey', ApiKey);

@Resolver(() => ApiKey)
export class ApiKeyResolver {
  @Authorized('ADMIN')
  @Query(() => [ApiKey], { description: 'ADMIN: every API key, newest first (revoked ones too).' })
  apiKeys(@Ctx() ctx: RequestContext): Promise<ApiKeyRecord[]> {
    return listApiKeys(ctx.service);
  }

  @Authorized('ADMIN')
  @Query(() => ApiKeyConnection, { description: 'ADMIN: the API keys a page at a time, newest first (revoked ones too), with their total.' })
  async apiKeysConnection(@Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: RequestContext): Promise<ConnectionShape<ApiKeyRecord>> {
    return toConnection(await listApiKeyPage(ctx.service, args), args.after);
  }

  @Authorized('ADMIN')
  @Mutation(() => CreatedApiKey, { description: 'ADMIN: makes an API key; its secret is in the answer and never shown again.' })
  createApiKey(
    @Arg('input', () => CreateApiKeyInput) input: CreateApiKeyInput,
    @Ctx() ctx: RequestContext,
  ): Promise<{ apiKey: ApiKeyRecord; secret: string }> {
    return createApiKey(ctx.service, input);
  }

  @Authorized('ADMIN')
  @Mutation(() => ApiKey, {
    description: "ADMIN: revokes a key at once: its next request is UNAUTHENTICATED and its open WebSockets close.",
  })
  async revokeApiKey(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<ApiKeyRecord> {
    const key = await revokeApiKey(ctx.service, id);
    // Sockets opened with a key are watched under the admin who made it: re-check theirs now.
    ctx.onSessionsChanged?.(key.createdById);
    return key;
  }
}
