import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

// Standard Webhooks (https://www.standardwebhooks.com, spec "Signature scheme"), followed to the
// letter so that its published verifiers (the `standardwebhooks` packages for Node, Python, Go …)
// work for receivers as they are:
// - a secret is `whsec_` + base64 of the key bytes (24 to 64 bytes; ours are 32);
// - the signed content is `${webhook-id}.${webhook-timestamp}.${body}`, the timestamp in whole
//   seconds since the epoch, the body as the exact bytes sent;
// - the signature is HMAC-SHA256 with the key bytes, base64 (standard alphabet, padded), sent as
//   `webhook-signature: v1,<signature>`; several signatures (a rotation) are separated by spaces.

/** Every secret starts with this (the spec's prefix; secret scanners recognise it too). */
export const WEBHOOK_SECRET_PREFIX = 'whsec_';
const KEY_BYTES = 32;

/** A fresh signing secret: `whsec_` + base64 of 32 random bytes. */
export function generateWebhookSecret(): string {
  return WEBHOOK_SECRET_PREFIX + randomBytes(KEY_BYTES).toString('base64');
}

/** The key bytes of a `whsec_…` secret (the prefix is optional, as the spec's libraries accept). */
export function webhookSecretKey(secret: string): Buffer {
  const encoded = secret.startsWith(WEBHOOK_SECRET_PREFIX) ? secret.slice(WEBHOOK_SECRET_PREFIX.length) : secret;
  return Buffer.from(encoded, 'base64');
}

/** The three headers of one signed request. */
export interface WebhookSignatureHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/** The base64 HMAC-SHA256 of `${id}.${timestamp}.${body}` under `secret`. */
export function webhookSignature(secret: string, id: string, timestamp: number, body: string): string {
  return createHmac('sha256', webhookSecretKey(secret)).update(`${id}.${timestamp}.${body}`, 'utf8').digest('base64');
}

/**
 * Signs one request with every secret given (the current one first; during a rotation's overlap
 * the previous one too, so a receiver holding either verifies). `timestamp` is in seconds.
 */
export function signWebhook(
  secrets: readonly string[],
  message: { id: string; timestamp: number; body: string },
): WebhookSignatureHeaders {
  const signatures = secrets.map((secret) => `v1,${webhookSignature(secret, message.id, message.timestamp, message.body)}`);
  return {
    'webhook-id': message.id,
    'webhook-timestamp': String(message.timestamp),
    'webhook-signature': signatures.join(' '),
  };
}

/**
 * The receiver's side, as the docs show it: true when one of the `v1` signatures of `header`
 * matches (compared in constant time) and the timestamp is within `toleranceSeconds` of `nowSeconds`.
 * Kept here for the service's own tests; receivers use the spec's libraries or the guide's snippet.
 */
export function verifyWebhookSignature(
  secret: string,
  headers: WebhookSignatureHeaders,
  body: string,
  options: { nowSeconds?: number; toleranceSeconds?: number } = {},
): boolean {
  const timestamp = Number(headers['webhook-timestamp']);
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (!Number.isInteger(timestamp) || Math.abs(now - timestamp) > (options.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(webhookSignature(secret, headers['webhook-id'], timestamp, body), 'base64');
  return headers['webhook-signature'].split(' ').some((entry) => {
    const [version, signature] = entry.split(',', 2);
    if (version !== 'v1' || !signature) return false;
    const given = Buffer.from(signature, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
