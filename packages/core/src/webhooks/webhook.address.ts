import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { badInput } from '../shared/errors.ts';

// Server-side request forgery: an endpoint URL is chosen by an admin (or an ADMIN key, which may
// leak), and the service then POSTs from inside the network. In production a URL must be https
// and every address its host resolves to must be public: no loopback, private, link-local (cloud
// metadata at 169.254.169.254), shared (100.64/10: Alibaba's metadata), multicast or reserved
// range. The check runs when the endpoint is saved and again at each connection, where the
// socket is pinned to the address just checked (a `lookup` hook): a name that resolves to a
// public address at creation and to 127.0.0.1 later (DNS rebinding) is refused at connection.

/** What may be called. */
export interface WebhookUrlPolicy {
  /** Production: https only, public addresses only (hosts in `allowedHosts` excepted). */
  strict: boolean;
  /** Host names or literal addresses (lower-case) exempt from the address check: internal receivers the operator trusts. */
  allowedHosts: readonly string[];
}

/** Resolves a host name to every address it has (the system resolver by default; tests inject one). */
export type WebhookResolver = (hostname: string) => Promise<Array<{ address: string; family: number }>>;

export const systemResolver: WebhookResolver = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

const BLOCKED = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this" network
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // shared address space (carrier NAT; Alibaba Cloud metadata 100.100.100.200)
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local (AWS, GCP, Azure metadata 169.254.169.254)
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  BLOCKED.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['::', 96], // IPv4-compatible (deprecated)
  ['::ffff:0:0:0', 96], // IPv4-translated (SIIT): ::ffff:0:7f00:1 is 127.0.0.1 behind a translator
  ['64:ff9b:1::', 48], // local-use NAT64
  ['100::', 64], // discard
  ['2001::', 32], // Teredo
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local (AWS metadata fd00:ec2::254)
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
] as const) {
  BLOCKED.addSubnet(network, prefix, 'ipv6');
}

/**
 * True when `address` (IPv4 or IPv6) is not a public unicast address. IPv6 forms that embed an
 * IPv4 address (mapped `::ffff:a.b.c.d`, NAT64 `64:ff9b::/96`, 6to4 `2002::/16`) are judged by it.
 */
export function isBlockedAddress(address: string): boolean {
  const version = isIP(address);
  if (version === 4) return BLOCKED.check(address, 'ipv4');
  if (version !== 6) return true; // not an address at all
  const words = expandIPv6(address);
  if (!words) return true;
  const embedded = embeddedIPv4(words);
  if (embedded) return BLOCKED.check(embedded, 'ipv4');
  return BLOCKED.check(address, 'ipv6');
}

/** The IPv4 address inside a mapped, NAT64 or 6to4 IPv6 address, else null. */
function embeddedIPv4(words: number[]): string | null {
  const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  const zero = (from: number, to: number) => words.slice(from, to).every((w) => w === 0);
  if (zero(0, 5) && words[5] === 0xffff) return v4(words[6], words[7]); // ::ffff:a.b.c.d
  if (words[0] === 0x64 && words[1] === 0xff9b && zero(2, 6)) return v4(words[6], words[7]); // 64:ff9b::a.b.c.d
  if (words[0] === 0x2002) return v4(words[1], words[2]); // 2002:aabb:ccdd::
  return null;
}

/** The eight 16-bit words of an IPv6 address (zone and dotted tail handled), or null. */
function expandIPv6(address: string): number[] | null {
  let text = address.split('%')[0].toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const parts = dotted[1].split('.').map(Number);
    text = `${text.slice(0, -dotted[1].length)}${((parts[0] << 8) | parts[1]).toString(16)}:${((parts[2] << 8) | parts[3]).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const words = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail].map((w) => Number.parseInt(w, 16));
  return words.length === 8 && words.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffff) ? words : null;
}

/** The URL's host as the check compares it: lower-case, IPv6 brackets removed. */
function hostOf(url: URL): string {
  return url.hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
}

/** True when the policy lets `url`'s host skip the address check. */
function isAllowedHost(policy: WebhookUrlPolicy, url: URL): boolean {
  return policy.allowedHosts.includes(hostOf(url));
}

/**
 * Parses and checks an endpoint URL's shape (BAD_USER_INPUT on `url` otherwise): absolute http(s),
 * no user name or password (they would be sent and logged), no fragment, at most 2,000
 * characters, and https when the policy is strict.
 */
export function parseWebhookUrl(raw: string, policy: WebhookUrlPolicy): URL {
  if (typeof raw !== 'string' || raw.trim().length === 0 || raw.length > 2000) throw badInput('url', 'must be an http(s) URL of at most 2,000 characters');
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw badInput('url', 'is not a valid URL');
  }
  // As stored: percent-encoding and punycode can make the parsed URL several times longer than the text.
  if (url.href.length > 2000) throw badInput('url', 'must be an http(s) URL of at most 2,000 characters');
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw badInput('url', 'must use https');
  if (policy.strict && url.protocol !== 'https:') throw badInput('url', 'must use https');
  if (url.username || url.password) throw badInput('url', 'must not contain a user name or password');
  if (url.hash) throw badInput('url', 'must not contain a fragment (#…)');
  return url;
}

/**
 * Resolves the URL's host and refuses it (BAD_USER_INPUT on `url`, `details.reason` =
 * `WEBHOOK_ADDRESS_REFUSED`) when the policy is strict and any of its addresses is not public.
 * A name that does not resolve is refused too. Run when an endpoint is created or its URL changes.
 */
export async function assertWebhookUrlAllowed(url: URL, policy: WebhookUrlPolicy, resolve: WebhookResolver = systemResolver): Promise<void> {
  if (!policy.strict || isAllowedHost(policy, url)) return;
  const host = hostOf(url);
  let addresses: string[];
  if (isIP(host)) addresses = [host];
  else {
    try {
      addresses = (await resolve(host)).map((a) => a.address);
    } catch {
      throw refused(`its host ${host} does not resolve`);
    }
  }
  const blocked = addresses.find(isBlockedAddress);
  if (addresses.length === 0 || blocked) {
    throw refused(blocked ? `it resolves to ${blocked}, a loopback, private, link-local or reserved address` : `its host ${host} does not resolve`);
  }
}

function refused(why: string) {
  const error = badInput('url', `is not allowed: ${why}. Webhooks go to public https endpoints (an operator can allow a host with WEBHOOK_ALLOWED_HOSTS)`);
  Object.assign(error.details, { reason: 'WEBHOOK_ADDRESS_REFUSED' });
  return error;
}

/** Thrown at connection when the host resolves to an address the policy refuses. */
export class RefusedAddressError extends Error {
  readonly code = 'WEBHOOK_ADDRESS_REFUSED';
  constructor(host: string, address: string | null) {
    super(address ? `${host} resolved to ${address}, which webhooks may not call` : `${host} did not resolve`);
    this.name = 'RefusedAddressError';
  }
}

/**
 * A `lookup` for `http.request`/`net.connect` that resolves with `resolve`, refuses the
 * connection when any address is not public (strict policy), and hands the socket exactly the
 * addresses it checked, so nothing resolves the name again between the check and the connect.
 * Returns undefined when no check applies (the system lookup is used).
 */
export function pinnedLookup(policy: WebhookUrlPolicy, url: URL, resolve: WebhookResolver = systemResolver): LookupFunction | undefined {
  if (!policy.strict || isAllowedHost(policy, url)) return undefined;
  return ((hostname: string, options: { all?: boolean; family?: number | string }, callback: (...args: unknown[]) => void) => {
    resolve(hostname).then(
      (found) => {
        const blocked = found.find((a) => isBlockedAddress(a.address));
        if (found.length === 0 || blocked) return callback(new RefusedAddressError(hostname, blocked?.address ?? null));
        const family = options.family === 6 || options.family === 'IPv6' ? 6 : options.family === 4 || options.family === 'IPv4' ? 4 : 0;
        const usable = family ? found.filter((a) => a.family === family) : found;
        if (usable.length === 0) return callback(new RefusedAddressError(hostname, null));
        if (options.all) return callback(null, usable);
        return callback(null, usable[0].address, usable[0].family);
      },
      (error: unknown) => callback(error),
    );
  }) as LookupFunction;
}

/**
 * The connection-time check for a URL whose host is a literal address (no lookup happens for
 * those, so {@link pinnedLookup} never runs): the error to fail the attempt with, or null.
 */
export function literalAddressRefusal(policy: WebhookUrlPolicy, url: URL): RefusedAddressError | null {
  if (!policy.strict || isAllowedHost(policy, url)) return null;
  const host = hostOf(url);
  return isIP(host) && isBlockedAddress(host) ? new RefusedAddressError(host, host) : null;
}
