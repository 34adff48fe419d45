/**
 * Every action the audit log records: the services may write only these (`AuditEntry.action`), and
 * the console offers each as a filter and names it, so a new action is added here once.
 */
export const AUDIT_ACTIONS = [
  'BOOK_CREATED',
  'BOOK_UPDATED',
  'BOOK_PAUSED',
  'BOOK_RESUMED',
  'BOOK_ARCHIVED',
  'BOOK_DELETED',
  'COUPON_VOIDED',
  'COUPON_UNASSIGNED',
  'COUPON_UNLOCKED',
  'COUPON_UPDATED',
  'DISTRIBUTED',
  'REDEMPTION_REVERSED',
  'POOL_CREATED',
  'POOL_UPDATED',
  'POOL_MEMBERS_ADDED',
  'POOL_MEMBERS_REMOVED',
  'POOL_DELETED',
  'CODE_JOB_STARTED',
  'CODE_JOB_CANCELLED',
  'CODE_JOB_RESUMED',
  'USER_ROLE_CHANGED',
  'USER_DISABLED',
  'USER_ENABLED',
  'USER_ERASED',
  'USER_SESSIONS_REVOKED',
  'API_KEY_CREATED',
  'API_KEY_REVOKED',
  'WEBHOOK_ENDPOINT_CREATED',
  'WEBHOOK_ENDPOINT_UPDATED',
  'WEBHOOK_ENDPOINT_DELETED',
  'WEBHOOK_SECRET_ROTATED',
  'WEBHOOK_TEST_SENT',
  'WEBHOOK_REDELIVERED',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];
