import type { IncomingMessage, Server } from 'node:http';
import type { TrustedProxies } from '@coupons/config';
import proxyaddr from 'proxy-addr';

/** Whether the hop at `address`, `hop` steps from the socket, is a proxy whose header is believed. */
export type TrustProxy = (address: string, hop: number) => boolean;

/**
 * Compiles `TRUSTED_PROXIES` once (proxy-addr, the parser behind Express's `trust proxy`): a hop
 * count trusts that many hops from the socket, a list trusts those ranges (`[]`: nobody, so the
 * socket peer is the client). The same function is given to Express (`req.ip`) and used for
 * graphql-ws upgrades, so HTTP and WebSocket agree on who the client is.
 */
export function compileTrustedProxies(setting: TrustedProxies): TrustProxy {
  if (typeof setting === 'number') return (_address, hop) => hop < setting;
  return proxyaddr.compile(setting);
}

/**
 * The client's address for a raw request (the graphql-ws upgrade), as Express computes `req.ip`:
 * from the socket peer leftwards through `X-Forwarded-For`, the first address that is not a trusted
 * proxy. Without `trust`, the address the server's upgrade hook computed
 * ({@link resolveUpgradeAddresses}), else the socket peer: an unknown setting trusts nobody.
 */
export function clientAddress(req: Pick<IncomingMessage, 'headers' | 'socket'>, trust?: TrustProxy): string {
  if (trust) return proxyaddr(req as IncomingMessage, trust);
  return resolved.get(req as IncomingMessage) ?? req.socket.remoteAddress ?? 'unknown';
}

const resolved = new WeakMap<IncomingMessage, string>();

/**
 * Resolves each WebSocket upgrade's client address with `trust` before the WebSocket server sees
 * the request (call it before attaching that server: `upgrade` listeners run in order), so
 * `clientAddress(req)` there answers with this server's setting. Per server, not per process:
 * two servers in one process (tests, siblings) may trust different proxies.
 */
export function resolveUpgradeAddresses(server: Server, trust: TrustProxy): void {
  server.on('upgrade', (req: IncomingMessage) => {
    resolved.set(req, proxyaddr(req, trust));
  });
}
