import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { generateWebhookSecret, signWebhook, verifyWebhookSignature, webhookSecretKey } from './webhook.signing.ts';

// The independent check: the Standard Webhooks reference library for Node verifies what we sign.
describe('Standard Webhooks signing', () => {
  const body = JSON.stringify({ id: 'evt_42', type: 'REDEEMED', createdAt: '2026-12-04T10:00:00.000Z', data: { note: 'ünïcødé ✓' } });
  const now = Math.floor(Date.now() / 1000);

  it('makes whsec_ secrets of 32 random bytes, as the spec defines them', () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(webhookSecretKey(secret)).toHaveLength(32);
    expect(generateWebhookSecret()).not.toBe(secret);
  });

  it('signs so that the standardwebhooks library verifies, and its signature equals ours', () => {
    const secret = generateWebhookSecret();
    const headers = signWebhook([secret], { id: 'evt_42', timestamp: now, body });
    expect(new Webhook(secret).verify(body, { ...headers })).toEqual(JSON.parse(body));
    expect(headers['webhook-signature']).toBe(new Webhook(secret).sign('evt_42', new Date(now * 1000), body));
  });

  it('during a rotation signs with both secrets: a receiver holding either one verifies', () => {
    const [current, previous] = [generateWebhookSecret(), generateWebhookSecret()];
    const headers = signWebhook([current, previous], { id: 'evt_7', timestamp: now, body });
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(() => new Webhook(current).verify(body, { ...headers })).not.toThrow();
    expect(() => new Webhook(previous).verify(body, { ...headers })).not.toThrow();
    expect(() => new Webhook(generateWebhookSecret()).verify(body, { ...headers })).toThrow();
  });

  it('is refused for another body, id or timestamp, and outside five minutes', () => {
    const secret = generateWebhookSecret();
    const headers = signWebhook([secret], { id: 'evt_1', timestamp: now, body });
    expect(verifyWebhookSignature(secret, headers, body)).toBe(true);
    expect(verifyWebhookSignature(secret, headers, `${body} `)).toBe(false);
    expect(verifyWebhookSignature(secret, { ...headers, 'webhook-id': 'evt_2' }, body)).toBe(false);
    expect(verifyWebhookSignature(secret, { ...headers, 'webhook-timestamp': String(now + 1) }, body)).toBe(false);
    expect(verifyWebhookSignature(secret, headers, body, { nowSeconds: now + 301 })).toBe(false);
    const stale = signWebhook([secret], { id: 'evt_1', timestamp: now - 600, body });
    expect(() => new Webhook(secret).verify(body, { ...stale })).toThrow(/timestamp/i);
  });
});
