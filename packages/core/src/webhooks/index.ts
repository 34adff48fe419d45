export * from './webhook.records.ts';
export * from './webhook.service.ts';
export { WebhookDispatcher, type WebhookAttemptReport, type WebhookDispatcherOptions } from './webhook.dispatcher.ts';
export { countDeliveryBacklog } from './webhook-delivery.sql.ts';
export { webhookSettingsFrom, type WebhookSettings } from './webhook.settings.ts';
export { DEFAULT_RETRY_SCHEDULE, type RetrySchedule } from './webhook.retry.ts';
export {
  isBlockedAddress,
  systemResolver,
  type WebhookResolver,
  type WebhookUrlPolicy,
} from './webhook.address.ts';
export {
  generateWebhookSecret,
  signWebhook,
  verifyWebhookSignature,
  WEBHOOK_SECRET_PREFIX,
  type WebhookSignatureHeaders,
} from './webhook.signing.ts';
