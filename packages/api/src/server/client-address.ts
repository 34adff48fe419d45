import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';

/**
 * The proxies whose `X-Forwarded-For` is believed: loopback, link-local and private addresses
 * (a load balancer on the private network). Express is given the same set (`trust proxy`), so
 * HTTP (`req.ip`) and graphql-ws agree on who the client is.
 */
export const TRUSTED_PROXIES = 'loopback, linklocal, uniquelocal';

const trusted = new BlockList();
trusted.addSubnet('127.0.0.0', 8, 'ipv4');
trusted.addAddress('::1', 'ipv6');
trusted.addSubnet('169.254.0.0', 16, 'ipv4');
trusted.addSubnet('fe80::', 10, 'ipv6');
trusted.addSubnet('10.0.0.0', 8, 'ipv4');
trusted.addSubnet('172.16.0.0', 12, 'ipv4');
trusted.addSubnet('192.168.0.0', 16, 'ipv4');
trusted.addSubnet('fc00::', 7, 'ipv6');

function isTrusted(address: string): boolean {
  const plain = address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
  const version = isIP(plain);
  return version !== 0 && trusted.check(plain, version === 4 ? 'ipv4' : 'ipv6');
}

/**
 * The client's address for a raw request (the graphql-ws upgrade), as Express computes `req.ip`
 * with {@link TRUSTED_PROXIES}: from the socket peer leftwards through `X-Forwarded-For`, the first
 * address that is not a trusted proxy. A public peer's header is ignored, so it cannot be spoofed.
 */
export function clientAddress(req: Pick<IncomingMessage, 'headers' | 'socket'>): string {
  const peer = req.socket.remoteAddress ?? 'unknown';
  const header = req.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .reverse();
  let address = peer;
  for (const next of forwarded) {
    if (!isTrusted(address)) break;
    address = next;
  }
  return address;
}
