import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  getWebhookEndpoint,
  listWebhookDeliveries,
  listWebhookEndpoints,
  redeliverWebhook,
  rotateWebhookSecret,
  sendTestWebhook,
  updateWebhookEndpoint,
  type WebhookDeliveryRecord,
  type WebhookEndpointRecord,
  type WebhookEndpointWithSecret as EndpointWithSecret,
  type WebhookSettings,
} from '@coupons/core';
import { Arg, Args, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { ConnectionArgs, type ConnectionShape, toConnection } from '../shared/connection.ts';
import type { RequestContext } from '../shared/request-context.ts';
import {
  CreateWebhookEndpointInput,
  UpdateWebhookEndpointInput,
  WebhookDeliveriesArgs,
  WebhookDelivery,
  WebhookDeliveryConnection,
  WebhookEndpoint,
  WebhookEndpointConnection,
  WebhookEndpointWithSecret,
} from './webhook.type.ts';

/** The process's webhook settings (set by the server; a context without them cannot reach here). */
function settingsOf(ctx: RequestContext): WebhookSettings {
  if (!ctx.webhooks) throw new Error('Webhooks are not wired into this server');
  return ctx.webhooks.settings;
}

// ADMIN, or an API key with the ADMIN scope (`@Authorized('ADMIN')` admits both).
@Resolver(() => WebhookEndpoint)
export class WebhookResolver {
  @Authorized('ADMIN')
  @Query(() => WebhookEndpointConnection, { description: 'ADMIN: webhook endpoints, newest first.' })
  async webhookEndpoints(@Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: RequestContext): Promise<ConnectionShape<WebhookEndpointRecord>> {
    return toConnection(await listWebhookEndpoints(ctx.service, args), args.after);
  }

  @Authorized('ADMIN')
  @Query(() => WebhookEndpoint, { nullable: true, description: 'ADMIN: one webhook endpoint.' })
  webhookEndpoint(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<WebhookEndpointRecord | null> {
    return getWebhookEndpoint(ctx.service, id);
  }

  @Authorized('ADMIN')
  @Query(() => WebhookDeliveryConnection, { description: "ADMIN: an endpoint's deliveries, newest first: status, attempts, last answer, next retry." })
  async webhookDeliveries(@Args(() => WebhookDeliveriesArgs) args: WebhookDeliveriesArgs, @Ctx() ctx: RequestContext): Promise<ConnectionShape<WebhookDeliveryRecord>> {
    return toConnection(await listWebhookDeliveries(ctx.service, args), args.after);
  }

  @Authorized('ADMIN')
  @Mutation(() => WebhookEndpointWithSecret, { description: 'ADMIN: a new endpoint; its signing secret is in the answer and never shown again.' })
  createWebhookEndpoint(
    @Arg('input', () => CreateWebhookEndpointInput) input: CreateWebhookEndpointInput,
    @Ctx() ctx: RequestContext,
  ): Promise<EndpointWithSecret> {
    return createWebhookEndpoint(ctx.service, settingsOf(ctx), input);
  }

  @Authorized('ADMIN')
  @Mutation(() => WebhookEndpoint, { description: 'ADMIN: changes an endpoint (only the fields given).' })
  async updateWebhookEndpoint(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateWebhookEndpointInput) input: UpdateWebhookEndpointInput,
    @Ctx() ctx: RequestContext,
  ): Promise<WebhookEndpointRecord> {
    const endpoint = await updateWebhookEndpoint(ctx.service, settingsOf(ctx), id, input);
    ctx.webhooks?.wake(); // enabled again: its pending deliveries are due
    return endpoint;
  }

  @Authorized('ADMIN')
  @Mutation(() => Boolean, { description: 'ADMIN: deletes an endpoint and its delivery log.' })
  deleteWebhookEndpoint(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<boolean> {
    return deleteWebhookEndpoint(ctx.service, id);
  }

  @Authorized('ADMIN')
  @Mutation(() => WebhookEndpointWithSecret, {
    description: 'ADMIN: a new signing secret (in the answer, never shown again); the old one keeps signing beside it for 24 hours.',
  })
  rotateWebhookSecret(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<EndpointWithSecret> {
    return rotateWebhookSecret(ctx.service, settingsOf(ctx), id);
  }

  @Authorized('ADMIN')
  @Mutation(() => WebhookDelivery, { description: 'ADMIN: sends a WEBHOOK_TEST event to the endpoint now; follow it in webhookDeliveries.' })
  async sendTestWebhook(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<WebhookDeliveryRecord> {
    const delivery = await sendTestWebhook(ctx.service, id);
    ctx.webhooks?.wake();
    return delivery;
  }

  @Authorized('ADMIN')
  @Mutation(() => WebhookDelivery, {
    description: 'ADMIN: sends a delivery again now, with a fresh retry budget (same webhook-id and body). INVALID_STATE while it is being sent.',
  })
  async redeliverWebhook(@Arg('deliveryId', () => ID) deliveryId: string, @Ctx() ctx: RequestContext): Promise<WebhookDeliveryRecord> {
    const delivery = await redeliverWebhook(ctx.service, deliveryId);
    ctx.webhooks?.wake();
    return delivery;
  }
}
