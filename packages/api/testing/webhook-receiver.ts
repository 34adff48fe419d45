import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a {@link WebhookReceiver} got. */
export interface ReceivedWebhook {
  /** The path it was sent to (`/hooks…`): several endpoints can share one receiver. */
  path: string;
  headers: { 'webhook-id': string; 'webhook-timestamp': string; 'webhook-signature': string } & Record<string, string>;
  /** The raw body, as signed. */
  body: string;
  /** The parsed body. */
  json: { id: string; type: string; createdAt: string; data: Record<string, unknown> };
  receivedAt: number;
}

/** What the receiver answers one request: a status (and body, headers), or `hold` (never answer). */
export type ReceiverAnswer = { status: number; body?: string; headers?: Record<string, string> } | 'hold';

export interface WebhookReceiver {
  /** `http://127.0.0.1:<port>/hooks` */
  url: string;
  /** Every request received, in order (duplicates included). */
  readonly requests: ReceivedWebhook[];
  /** Waits until `test(requests)` holds (default 15 s), then returns the requests. */
  waitFor(test: (requests: ReceivedWebhook[]) => boolean, timeoutMs?: number): Promise<ReceivedWebhook[]>;
  /** Changes how the next requests are answered. */
  answer(respond: (request: ReceivedWebhook, index: number) => ReceiverAnswer): void;
  /** Closes the server (held requests are dropped). */
  close(): Promise<void>;
}

/**
 * A real HTTP receiver for webhook tests, on 127.0.0.1 and a free port, inside the test process.
 * It answers 204 unless told otherwise (`answer`), keeps every request, and can hold a request
 * open to stand for a slow receiver (or to catch the sender mid-delivery).
 */
export async function startWebhookReceiver(respond?: (request: ReceivedWebhook, index: number) => ReceiverAnswer): Promise<WebhookReceiver> {
  const requests: ReceivedWebhook[] = [];
  let answerWith: (request: ReceivedWebhook, index: number) => ReceiverAnswer = respond ?? (() => ({ status: 204 }));
  const waiters = new Set<() => void>();
  const sockets = new Set<import('node:net').Socket>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let json: ReceivedWebhook['json'];
      try {
        json = JSON.parse(body);
      } catch {
        res.writeHead(400).end('not JSON');
        return;
      }
      const received: ReceivedWebhook = { path: req.url ?? '', headers: req.headers as ReceivedWebhook['headers'], body, json, receivedAt: Date.now() };
      const index = requests.push(received) - 1;
      for (const wake of waiters) wake();
      const answer = answerWith(received, index);
      if (answer === 'hold') return;
      res.writeHead(answer.status, answer.headers).end(answer.body ?? '');
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    requests,
    answer(next) {
      answerWith = next;
    },
    waitFor(test, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!test(requests)) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(requests);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`webhook receiver: condition not met within ${timeoutMs} ms (${requests.length} requests: ${requests.map((r) => r.json.type).join(', ')})`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
