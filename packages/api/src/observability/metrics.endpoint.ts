import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Metrics } from './metrics.ts';

/** Options of {@link metricsHandler}. */
export interface MetricsHandlerOptions {
  /**
   * `METRICS_TOKEN` from the configuration. When set, a scrape must send
   * `Authorization: Bearer <token>`; when unset, only loopback callers are served.
   */
  token?: string;
}

/**
 * Whether a socket peer address is the loopback interface. The socket's own address is used,
 * never `X-Forwarded-For`, which any client can write: behind a proxy the peer is the proxy,
 * so the loopback rule then refuses everyone, which is the safe failure.
 */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return v4.startsWith('127.') || address === '::1';
}

function sameSecret(given: string, expected: string): boolean {
  // Hash both sides so the comparison takes the same time whatever the lengths.
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

function bearerToken(req: IncomingMessage): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return match?.[1];
}

/**
 * The `/metrics` endpoint (Prometheus text format), usable with Express (`app.get('/metrics',
 * metricsHandler(metrics, { token: config.METRICS_TOKEN }))`) or plain `node:http`. It is not
 * public by default: with a token it demands it, without one it answers loopback callers only.
 */
export function metricsHandler(metrics: Metrics, options: MetricsHandlerOptions = {}) {
  const { token } = options;
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain' }).end('Method Not Allowed\n');
      return;
    }
    if (token) {
      const given = bearerToken(req);
      if (!given || !sameSecret(given, token)) {
        res
          .writeHead(401, { 'WWW-Authenticate': 'Bearer realm="metrics"', 'Content-Type': 'text/plain' })
          .end('Unauthorized: send Authorization: Bearer <METRICS_TOKEN>\n');
        return;
      }
    } else if (!isLoopbackAddress(req.socket.remoteAddress)) {
      res
        .writeHead(403, { 'Content-Type': 'text/plain' })
        .end('Forbidden: /metrics answers loopback only; set METRICS_TOKEN to scrape from elsewhere\n');
      return;
    }
    let body: string;
    try {
      body = await metrics.registry.metrics();
    } catch {
      // A failing collector must not take the process down (plain node:http has no error handler).
      res.writeHead(500, { 'Content-Type': 'text/plain' }).end('Metrics collection failed\n');
      return;
    }
    res.writeHead(200, { 'Content-Type': metrics.registry.contentType, 'Cache-Control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
}
