import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { RefusedAddressError } from './webhook.address.ts';
import { parseRetryAfter } from './webhook.retry.ts';

/** One POST's outcome: an answer (any status), or no answer. */
export type WebhookHttpResult =
  | { kind: 'response'; status: number; body: string; retryAfterMs: number | null; latencyMs: number }
  | { kind: 'error'; error: 'TIMEOUT' | 'CONNECTION' | 'REFUSED_ADDRESS'; message: string; latencyMs: number };

export interface WebhookHttpRequest {
  url: URL;
  headers: Record<string, string>;
  body: string;
  /** The whole attempt — connect, send, the answer's headers and the kept part of its body. */
  timeoutMs: number;
  /** How much of the answer's body is kept (the rest is not read). */
  maxBodyBytes: number;
  /** The connection's resolver (the SSRF check, pinned); the system's when undefined. */
  lookup?: LookupFunction;
}

// Keep-alive agents of their own: sockets to receivers are reused between deliveries, and none
// is shared with other outgoing traffic. A socket is only ever opened through `lookup`, so a
// reused one is connected to an address that was checked when it was opened.
const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 64, maxFreeSockets: 16, scheduling: 'lifo' }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 64, maxFreeSockets: 16, scheduling: 'lifo' }),
};

/**
 * POSTs `body` once. Never follows a redirect (a 3xx is an answer like any other), gives up after
 * `timeoutMs`, keeps at most `maxBodyBytes` of the answer's body (as text) and reads no more.
 * Never throws: every failure is a result.
 */
export function postWebhook(request: WebhookHttpRequest): Promise<WebhookHttpResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: WebhookHttpResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const transport = request.url.protocol === 'https:' ? https : http;
    const req = transport.request(request.url, {
      method: 'POST',
      agent: agents[request.url.protocol as 'http:' | 'https:'],
      lookup: request.lookup,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'CouponBookService-Webhooks/1',
        'content-length': String(Buffer.byteLength(request.body)),
        ...request.headers,
      },
    });
    const timer = setTimeout(() => {
      finish({ kind: 'error', error: 'TIMEOUT', message: `No answer within ${request.timeoutMs} ms`, latencyMs: elapsed() });
      req.destroy();
    }, request.timeoutMs);
    req.on('error', (error: Error & { code?: string }) => {
      if (error instanceof RefusedAddressError || error.code === 'WEBHOOK_ADDRESS_REFUSED') {
        finish({ kind: 'error', error: 'REFUSED_ADDRESS', message: error.message, latencyMs: elapsed() });
      } else {
        finish({ kind: 'error', error: 'CONNECTION', message: connectionMessage(error), latencyMs: elapsed() });
      }
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let kept = 0;
      const answer = () => {
        finish({
          kind: 'response',
          status: res.statusCode ?? 0,
          body: Buffer.concat(chunks).toString('utf8'),
          retryAfterMs: parseRetryAfter(res.headers['retry-after'], new Date()),
          latencyMs: elapsed(),
        });
      };
      res.on('data', (chunk: Buffer) => {
        if (kept < request.maxBodyBytes) {
          const part = chunk.subarray(0, request.maxBodyBytes - kept);
          chunks.push(part);
          kept += part.length;
        }
        // Enough kept: answer now and drop the connection rather than read a large body.
        if (kept >= request.maxBodyBytes) {
          answer();
          res.destroy();
        }
      });
      res.on('end', answer);
      res.on('error', answer);
      res.on('aborted', answer);
    });
    req.end(request.body);
  });
}

/** A short, safe description of a socket error (no request data). */
function connectionMessage(error: Error & { code?: string }): string {
  return error.code ? `${error.code}: ${error.message}`.slice(0, 300) : error.message.slice(0, 300);
}
