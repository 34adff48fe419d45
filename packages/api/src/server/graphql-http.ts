import { isUtf8 } from 'node:buffer';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ApolloServer, type BaseContext, HeaderMap } from '@apollo/server';
import getRawBody from 'raw-body';
import { MAX_BODY_BYTES, NOT_UTF8 } from './http.ts';

// GraphQL over HTTP without Express on the common path. A JSON POST to /graphql (every client's
// query and mutation) is read, parsed and answered here, straight from node:http; the rest
// (GET, multipart uploads, a POST of another type that Apollo's CSRF check must refuse, the
// probes, metrics and exports) goes through Express as before. Both paths answer through
// {@link answerGraphql}. Express's router, body-parser and `res.send` (content negotiation, an
// ETag hashed from every answer) cost ~10% of the API's CPU per claim in an assign-hot profile
// for nothing a GraphQL POST uses.

/** A JSON body's HTTP-level refusal, shaped as body-parser's errors so one handler answers both paths. */
export class BodyError extends Error {
  constructor(
    readonly type: 'entity.too.large' | 'entity.parse.failed' | typeof NOT_UTF8,
    readonly status: 413 | 400,
  ) {
    super(type === 'entity.too.large' ? 'request entity too large' : type === NOT_UTF8 ? 'body not UTF-8' : 'invalid JSON body');
  }
}

/**
 * Whether Express must see this request: anything but a POST to exactly `path` with an
 * uncompressed `application/json` body in UTF-8 (body-parser would also inflate gzip and refuse
 * other charsets: those stay with it).
 */
export function isPlainJsonPost(req: IncomingMessage, path: string): boolean {
  if (req.method !== 'POST') return false;
  const url = req.url ?? '';
  const end = url.indexOf('?');
  if ((end === -1 ? url : url.slice(0, end)) !== path) return false;
  const encoding = req.headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') return false;
  const [type, ...parameters] = (req.headers['content-type'] ?? '').split(';');
  if (type.trim().toLowerCase() !== 'application/json') return false;
  return parameters.every((parameter) => {
    const [name, value = ''] = parameter.split('=');
    return name.trim().toLowerCase() !== 'charset' || ['utf-8', '"utf-8"'].includes(value.trim().toLowerCase());
  });
}

/**
 * The parsed JSON body of a request {@link isPlainJsonPost} accepted, read up to
 * {@link MAX_BODY_BYTES} (a longer declared length is refused before reading). As body-parser's
 * `json()` does: an empty body is `{}`, and only an object or array is JSON here (strict). Bytes
 * that are not UTF-8 are refused ({@link NOT_UTF8}), as {@link bodyMiddleware} refuses them.
 */
export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  let text: string;
  try {
    const bytes = await getRawBody(req, { length: req.headers['content-length'], limit: MAX_BODY_BYTES });
    if (!isUtf8(bytes)) throw new BodyError(NOT_UTF8, 400);
    text = bytes.toString('utf8');
  } catch (error) {
    if ((error as { type?: string }).type === 'entity.too.large') throw new BodyError('entity.too.large', 413);
    throw error;
  }
  const start = text.search(/\S/);
  if (start === -1) return {};
  if (text[start] !== '{' && text[start] !== '[') throw new BodyError('entity.parse.failed', 400);
  try {
    return JSON.parse(text);
  } catch {
    throw new BodyError('entity.parse.failed', 400);
  }
}

/**
 * Runs one GraphQL request whose body has been read (parsed JSON, or the operations of a
 * multipart upload) through Apollo, and writes Apollo's answer: its status, its headers, the
 * body with its length (or streamed, for an incremental answer). No ETag, on either path (GET
 * included): Express's `res.send` used to hash every answer into one, which no client of this
 * API revalidates with.
 */
export async function answerGraphql<TContext extends BaseContext>(
  apollo: ApolloServer<TContext>,
  request: { req: IncomingMessage; res: ServerResponse; body: unknown },
  context: () => Promise<TContext>,
): Promise<void> {
  const { req, res, body } = request;
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
  }
  const url = req.url ?? '';
  const query = url.indexOf('?');
  const answer = await apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: (req.method ?? 'GET').toUpperCase(), headers, search: query === -1 ? '' : url.slice(query), body },
    context,
  });
  for (const [key, value] of answer.headers) res.setHeader(key, value);
  res.statusCode = answer.status ?? 200;
  if (answer.body.kind === 'complete') {
    const payload = Buffer.from(answer.body.string, 'utf8');
    res.setHeader('Content-Length', payload.length);
    res.end(req.method === 'HEAD' ? undefined : payload);
    return;
  }
  for await (const chunk of answer.body.asyncIterator) res.write(chunk);
  res.end();
}
