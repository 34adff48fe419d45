import { ArgsType, Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { CouponEventTypeEnum } from '../events/live-event.type.ts';
import { ConnectionArgs, createConnectionType } from '../shared/connection.ts';

type CouponEventTypeName = keyof typeof CouponEventTypeEnum;

/** The GraphQL `WebhookDeliveryStatus` enum (core's WebhookDeliveryStatus). */
export const WebhookDeliveryStatusEnum = { PENDING: 'PENDING', DELIVERED: 'DELIVERED', FAILED: 'FAILED' } as const;
registerEnumType(WebhookDeliveryStatusEnum, {
  name: 'WebhookDeliveryStatus',
  description: 'Where a delivery stands.',
  valuesConfig: {
    PENDING: { description: 'Waiting for its first attempt or a retry (see nextAttemptAt), or being sent (inFlight).' },
    DELIVERED: { description: 'The endpoint answered 2xx.' },
    FAILED: { description: 'Given up: retries exhausted (about a day), or an answer retrying cannot change (a 3xx or a 4xx but 429).' },
  },
});

@ObjectType('WebhookEndpoint', { description: 'An HTTPS endpoint that receives coupon events, signed per Standard Webhooks. Its secret is shown only by create and rotate.' })
export class WebhookEndpoint {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  url!: string;

  @Field(() => String, { nullable: true })
  description!: string | null;

  @Field(() => [CouponEventTypeEnum], { description: 'The event types it receives.' })
  events!: CouponEventTypeName[];

  @Field(() => ID, { nullable: true, description: "Only this book's events; null = every book's." })
  bookId!: string | null;

  @Field(() => Boolean)
  enabled!: boolean;

  @Field(() => String, { nullable: true, description: 'Why it is disabled: by an admin, or automatically after failing for days.' })
  disabledReason!: string | null;

  @Field(() => Date, { nullable: true, description: 'The first failed attempt since the last success; null while healthy.' })
  failingSince!: Date | null;

  @Field(() => Date, { nullable: true, description: 'After a rotation: until when the previous secret signs too (beside the new one).' })
  previousSecretExpiresAt!: Date | null;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date)
  updatedAt!: Date;
}

@ObjectType('WebhookEndpointWithSecret', { description: 'An endpoint and its signing secret, shown only now.' })
export class WebhookEndpointWithSecret {
  @Field(() => WebhookEndpoint)
  endpoint!: WebhookEndpoint;

  @Field(() => String, {
    description: 'whsec_… (Standard Webhooks format): verify the webhook-signature header with it. Shown only now; store it in your secret manager.',
  })
  secret!: string;
}

@ObjectType('WebhookDelivery', { description: 'One event sent to one endpoint: its attempts and the last answer.' })
export class WebhookDelivery {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  endpointId!: string;

  @Field(() => ID, { nullable: true, description: 'The CouponEvent; null for a test (sendTestWebhook).' })
  eventId!: string | null;

  @Field(() => String, { description: 'The webhook-id header and the body\'s id (evt_<eventId>, or test_…): the same on every attempt.' })
  messageId!: string;

  @Field(() => String, { description: 'A CouponEventType, or WEBHOOK_TEST.' })
  eventType!: string;

  @Field(() => WebhookDeliveryStatusEnum)
  status!: keyof typeof WebhookDeliveryStatusEnum;

  @Field(() => Boolean, { description: 'A process is sending it right now.' })
  inFlight!: boolean;

  @Field(() => Int, { description: 'Attempts made (a redelivery adds to them).' })
  attempts!: number;

  @Field(() => Date, { nullable: true, description: 'PENDING: when it is (re)tried; null once DELIVERED or FAILED.' })
  nextAttemptAt!: Date | null;

  @Field(() => Date, { nullable: true })
  lastAttemptAt!: Date | null;

  @Field(() => Int, { nullable: true, description: "The last answer's HTTP status; null when there was none (timeout, connection error)." })
  responseStatus!: number | null;

  @Field(() => String, { nullable: true, description: "The start of the last answer's body (1 KB at most)." })
  responseBody!: string | null;

  @Field(() => Int, { nullable: true, description: 'How long the last attempt took, in milliseconds.' })
  latencyMs!: number | null;

  @Field(() => String, { nullable: true, description: 'Why the last attempt got no answer (TIMEOUT, CONNECTION, REFUSED_ADDRESS: …).' })
  lastError!: string | null;

  @Field(() => Date, { nullable: true })
  deliveredAt!: Date | null;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => String, { description: 'The JSON body sent (the same bytes on every attempt).' })
  payload!: string;
}

/** `WebhookEndpointConnection` / `WebhookEndpointEdge`. */
export const WebhookEndpointConnection = createConnectionType('WebhookEndpoint', WebhookEndpoint);
/** `WebhookDeliveryConnection` / `WebhookDeliveryEdge`. */
export const WebhookDeliveryConnection = createConnectionType('WebhookDelivery', WebhookDelivery);

@InputType('CreateWebhookEndpointInput')
export class CreateWebhookEndpointInput {
  @Field(() => String, { description: 'https:// in production, to a public address (http://localhost is fine in development).' })
  url!: string;

  @Field(() => [CouponEventTypeEnum], { description: 'At least one.' })
  events!: CouponEventTypeName[];

  @Field(() => ID, { nullable: true, description: "Only this book's events; omit for every book's." })
  bookId?: string | null;

  @Field(() => String, { nullable: true, description: 'At most 500 characters.' })
  description?: string | null;
}

@InputType('UpdateWebhookEndpointInput', { description: 'Only the fields given change.' })
export class UpdateWebhookEndpointInput {
  @Field(() => String, { nullable: true })
  url?: string | null;

  @Field(() => [CouponEventTypeEnum], { nullable: true })
  events?: CouponEventTypeName[] | null;

  @Field(() => ID, { nullable: true, description: "null: every book's events." })
  bookId?: string | null;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'false disables it; true enables it again (its pending deliveries resume).' })
  enabled?: boolean | null;
}

@ArgsType()
export class WebhookDeliveriesArgs extends ConnectionArgs {
  @Field(() => ID)
  endpointId!: string;

  @Field(() => WebhookDeliveryStatusEnum, { nullable: true })
  status?: keyof typeof WebhookDeliveryStatusEnum | null;
}
