import { describe, expect, it } from 'vitest';
import { clientAddress } from './client-address.ts';

const request = (peer: string, forwardedFor?: string) =>
  ({ socket: { remoteAddress: peer }, headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {} }) as Parameters<
    typeof clientAddress
  >[0];

describe('clientAddress (graphql-ws upgrades, as Express computes req.ip)', () => {
  it('believes X-Forwarded-For from a private or loopback proxy', () => {
    expect(clientAddress(request('10.0.3.7', '203.0.113.5'))).toBe('203.0.113.5');
    expect(clientAddress(request('::ffff:172.18.0.4', '203.0.113.5'))).toBe('203.0.113.5');
    expect(clientAddress(request('127.0.0.1', '198.51.100.1, 10.0.0.2'))).toBe('198.51.100.1');
  });

  it('stops at the first untrusted hop: a client cannot spoof the address in front of it', () => {
    expect(clientAddress(request('10.0.3.7', '1.1.1.1, 203.0.113.5'))).toBe('203.0.113.5');
    expect(clientAddress(request('203.0.113.5', '10.9.9.9'))).toBe('203.0.113.5');
  });

  it('is the peer without a header', () => {
    expect(clientAddress(request('203.0.113.5'))).toBe('203.0.113.5');
    expect(clientAddress(request('::1'))).toBe('::1');
  });
});
