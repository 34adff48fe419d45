import { loadConfig } from '@coupons/config';
import { describe, expect, it } from 'vitest';
import { clientAddress, compileTrustedProxies } from './client-address.ts';

const request = (peer: string, forwardedFor?: string) =>
  ({ socket: { remoteAddress: peer }, headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {} }) as Parameters<
    typeof clientAddress
  >[0];

/** TRUSTED_PROXIES as the server gets it: through loadConfig, compiled once. */
const trusting = (setting?: string) =>
  compileTrustedProxies(loadConfig({ JWT_SECRET: 'x'.repeat(32), ...(setting === undefined ? {} : { TRUSTED_PROXIES: setting }) }).TRUSTED_PROXIES);

describe('clientAddress (graphql-ws upgrades, as Express computes req.ip)', () => {
  it('trusts nobody by default: the socket peer is the client, whatever it forwards', () => {
    const none = trusting();
    expect(clientAddress(request('127.0.0.1', '203.0.113.5'), none)).toBe('127.0.0.1');
    expect(clientAddress(request('10.0.3.7', '203.0.113.5'), none)).toBe('10.0.3.7');
    expect(clientAddress(request('::ffff:172.18.0.4', '203.0.113.5'), trusting('none'))).toBe('::ffff:172.18.0.4');
  });

  it('believes X-Forwarded-For from the configured proxies only', () => {
    const privateNets = trusting('loopback, linklocal, uniquelocal');
    expect(clientAddress(request('10.0.3.7', '203.0.113.5'), privateNets)).toBe('203.0.113.5');
    expect(clientAddress(request('::ffff:172.18.0.4', '203.0.113.5'), privateNets)).toBe('203.0.113.5');
    expect(clientAddress(request('127.0.0.1', '198.51.100.1, 10.0.0.2'), privateNets)).toBe('198.51.100.1');
    const oneProxy = trusting('172.30.42.250');
    expect(clientAddress(request('172.30.42.250', '203.0.113.5'), oneProxy)).toBe('203.0.113.5');
    expect(clientAddress(request('172.30.42.7', '203.0.113.5'), oneProxy)).toBe('172.30.42.7');
    expect(clientAddress(request('10.1.2.3', '203.0.113.5'), trusting('10.0.0.0/8'))).toBe('203.0.113.5');
  });

  it('stops at the first untrusted hop: a client cannot spoof the address in front of it', () => {
    const privateNets = trusting('loopback, uniquelocal');
    expect(clientAddress(request('10.0.3.7', '1.1.1.1, 203.0.113.5'), privateNets)).toBe('203.0.113.5');
    expect(clientAddress(request('203.0.113.5', '10.9.9.9'), privateNets)).toBe('203.0.113.5');
  });

  it('a hop count trusts that many proxies from the socket, whatever their address', () => {
    expect(clientAddress(request('203.0.113.9', '1.1.1.1, 198.51.100.4'), trusting('1'))).toBe('198.51.100.4');
    expect(clientAddress(request('203.0.113.9', '1.1.1.1, 198.51.100.4'), trusting('2'))).toBe('1.1.1.1');
    expect(clientAddress(request('203.0.113.9', '1.1.1.1'), trusting('0'))).toBe('203.0.113.9');
  });

  it('is the peer without a header, or without a setting', () => {
    expect(clientAddress(request('203.0.113.5'), trusting('loopback'))).toBe('203.0.113.5');
    expect(clientAddress(request('127.0.0.1', '203.0.113.5'))).toBe('127.0.0.1');
  });

  it('a malformed setting fails at start-up with its entry named', () => {
    expect(() => trusting('loopback, 10.0.0.0/33')).toThrow(/TRUSTED_PROXIES: "10.0.0.0\/33"/);
    expect(() => trusting('proxy.internal')).toThrow(/TRUSTED_PROXIES/);
  });
});
