import http from 'node:http';
import autocannon from 'autocannon';
import { elapsedMs, type LoadSummary, summarize, tally } from './stats.ts';

/** Per-connection scratch space that autocannon hands to each step of one request sequence. */
export type StepContext = Record<string, unknown>;

/** One GraphQL operation of a request sequence (autocannon sends a connection's steps in order). */
export interface GraphqlStep {
  query: string;
  /** Variables and `Bearer` token of the next call; may read what an earlier step left in `context`. */
  next(context: StepContext): { variables: Record<string, unknown>; authorization: string };
  /** Called with the `data` of a successful call (the root field was not null). */
  onData?(data: Record<string, unknown>, context: StepContext): void;
}

export interface GraphqlLoad {
  url: string;
  connections: number;
  /** Total requests over all connections (each step is one). */
  amount: number;
  steps: GraphqlStep[];
  timeoutSeconds?: number;
  /**
   * Requests per second over all connections: an open-loop load, request n due at n / rate
   * seconds after the start whether or not earlier ones were answered (see {@link runPacedLoad}),
   * instead of as fast as answers come. At most `connections` are in flight; a request due while
   * all are busy waits for one, and that wait counts in its latency.
   */
  overallRate?: number;
}

/**
 * A load summary, plus when the last answer came. `durationMs` (and so `throughput`) runs from the
 * start of the load (connecting included) to its last answer, as the plain-`pg` loop measures.
 */
export interface GraphqlLoadResult extends LoadSummary {
  /** ms from the start of the load (connecting included) to the last answer. */
  lastAnswerMs: number;
  /** ms from the first request written (answer time minus its latency) to the last answer. */
  firstSentToLastAnswerMs: number;
}

/** How often autocannon checks whether a run is over (see `sampleInt` below). */
const SAMPLE_INTERVAL_MS = 50;

/**
 * Drives a GraphQL endpoint with autocannon: `connections` keep-alive connections, one request in
 * flight on each, every request built on the spot (its own variables and user token). A request
 * counts as ok when HTTP 200 carries data and no errors; otherwise it is tallied by its GraphQL
 * error code, so a benchmark can tell SOLD_OUT from INTERNAL_SERVER_ERROR.
 */
export function runGraphqlLoad(load: GraphqlLoad): Promise<GraphqlLoadResult> {
  if (load.overallRate) return runPacedLoad(load, load.overallRate);
  const path = new URL(load.url).pathname;
  const latencies: number[] = [];
  const errors: Record<string, number> = {};
  let ok = 0;
  let lastAnswer: bigint | null = null;
  let firstSent = Number.POSITIVE_INFINITY;
  let lastResponse = Number.NEGATIVE_INFINITY;
  const requests = load.steps.map((step) => ({
    method: 'POST' as const,
    path,
    setupRequest(request: autocannon.Request, context: StepContext) {
      const { variables, authorization } = step.next(context);
      return {
        ...request,
        method: 'POST',
        path,
        headers: { 'content-type': 'application/json', authorization },
        body: JSON.stringify({ query: step.query, variables }),
      };
    },
    onResponse(status: number, body: string, context: StepContext) {
      lastAnswer = process.hrtime.bigint();
      const outcome = classify(status, body);
      if (outcome.data) {
        ok++;
        step.onData?.(outcome.data, context);
      } else {
        tally(errors, outcome.error);
      }
    },
  }));
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: load.url,
        connections: load.connections,
        pipelining: 1,
        amount: load.amount,
        // autocannon ends a run of `amount` requests only at its next sample tick (1 s by default):
        // a short interval keeps the idle wait between runs short. The duration is measured here,
        // to the last answer, not from autocannon's end.
        sampleInt: SAMPLE_INTERVAL_MS,
        timeout: load.timeoutSeconds ?? 30,
        requests: requests as unknown as autocannon.Request[],
      },
      (error) => {
        if (error) return reject(error);
        const last = lastAnswer === null ? Number.NaN : Number(lastAnswer - started) / 1e6;
        const summary = summarize(latencies, lastAnswer === null ? elapsedMs(started) : last, ok, errors);
        const span = lastResponse - firstSent;
        // Added to the summary object itself: its raw latencies are keyed by it (stats.combine).
        resolve(Object.assign(summary, { lastAnswerMs: Math.round(last * 100) / 100, firstSentToLastAnswerMs: Math.round(span * 100) / 100 }));
      },
    );
    instance.on('response', (_client, _status, _bytes, responseTimeMs) => {
      latencies.push(responseTimeMs);
      // autocannon times each request from its write: the write was responseTime ago.
      const now = Number(process.hrtime.bigint() - started) / 1e6;
      firstSent = Math.min(firstSent, now - responseTimeMs);
      lastResponse = Math.max(lastResponse, now);
    });
    instance.on('reqError', (error) => tally(errors, `client: ${(error as Error).message}`));
  });
}

/** How often the paced load looks for requests that have come due (a timer's practical floor). */
const PACE_TICK_MS = 1;

/**
 * An open-loop load at `rate` requests per second, evenly spaced: request n is due at
 * `n * 1000 / rate` ms after the start and is sent then (within a timer tick), over keep-alive
 * connections of one agent, at most `connections` in flight. Its latency runs from when it was
 * due, not from when it was written, so a request that waited for a free connection counts the
 * wait (as wrk2 measures, free of coordinated omission).
 *
 * Not autocannon's `overallRate`: that gives each connection a quota per second, which it spends
 * as fast as answers come at the start of every second and then idles (measured: 640 requests
 * per second over 64 connections arrive as ~600 in the first 100 ms of each second, none in the
 * other 900 ms), so its latencies are those of a closed-loop burst, not of the rate.
 */
export function runPacedLoad(load: GraphqlLoad, rate: number): Promise<GraphqlLoadResult> {
  const target = new URL(load.url);
  // Keep-alive connections, at most `connections` in flight; a request due while all are busy
  // waits in the agent's queue for the next free one.
  const agent = new http.Agent({ keepAlive: true, maxSockets: load.connections });
  const latencies: number[] = [];
  const errors: Record<string, number> = {};
  let ok = 0;
  let sent = 0;
  let answered = 0;
  let lastAnswerAt = 0;
  const context: StepContext = {};
  const started = performance.now();
  return new Promise((resolve) => {
    const finish = () => {
      agent.destroy();
      const last = (answered > 0 ? lastAnswerAt : performance.now()) - started;
      const span = { lastAnswerMs: Math.round(last * 100) / 100, firstSentToLastAnswerMs: Math.round(last * 100) / 100 };
      resolve(Object.assign(summarize(latencies, last, ok, errors), span));
    };
    const settle = (dueAt: number, outcome: { data?: Record<string, unknown>; error: string }, step: GraphqlStep) => {
      lastAnswerAt = performance.now();
      latencies.push(lastAnswerAt - dueAt);
      if (outcome.data) {
        ok++;
        step.onData?.(outcome.data, context);
      } else {
        tally(errors, outcome.error);
      }
      if (++answered === load.amount) finish();
    };
    const send = (n: number, dueAt: number) => {
      const step = load.steps[n % load.steps.length];
      const { variables, authorization } = step.next(context);
      const body = JSON.stringify({ query: step.query, variables });
      let settled = false;
      const once = (outcome: { data?: Record<string, unknown>; error: string }) => {
        if (settled) return;
        settled = true;
        settle(dueAt, outcome, step);
      };
      const request = http.request(
        {
          agent,
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization },
          timeout: (load.timeoutSeconds ?? 30) * 1000,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => once(classify(response.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'))));
        },
      );
      request.on('timeout', () => request.destroy(new Error('timeout')));
      request.on('error', (error) => once({ error: `client: ${error.message}` }));
      request.end(body);
    };
    if (load.amount <= 0) return finish();
    const tick = () => {
      const due = Math.min(load.amount, Math.floor(((performance.now() - started) * rate) / 1000) + 1);
      for (; sent < due; sent++) send(sent, started + (sent * 1000) / rate);
      if (sent < load.amount) setTimeout(tick, PACE_TICK_MS);
    };
    tick();
  });
}

/** Data of the one root field, or the error code that explains why there is none. */
function classify(status: number, body: string): { data?: Record<string, unknown>; error: string } {
  let json: { data?: Record<string, unknown> | null; errors?: Array<{ extensions?: { code?: string } }> };
  try {
    json = JSON.parse(body);
  } catch {
    return { error: `HTTP ${status} (not JSON)` };
  }
  const code = json.errors?.[0]?.extensions?.code;
  if (code) return { error: code };
  if (status !== 200) return { error: `HTTP ${status}` };
  const data = json.data ?? null;
  const root = data ? Object.values(data)[0] : null;
  return root && data ? { data, error: '' } : { error: 'NO_DATA' };
}
