// The floor of a claim over HTTP, for `bench/tools/api-floor.ts`: a bare `node:http` server that
// answers the assign mutation's POST with the same claim SQL the API runs (claimRandomCoupon in
// inTransaction, on a pg pool of the API's size) and the same JSON shape, but without Express,
// Apollo, GraphQL, the token check, the session read, the rate limits or the live events. With
// FLOOR_SQL=0 it answers without touching the database: the cost of HTTP and JSON alone.
// Not a product path: a measuring stick for what the layers above the SQL cost.
import http from 'node:http';
import pg from 'pg';
import { claimRandomCoupon, inTransaction } from '@coupons/core/sql';

const withSql = process.env.FLOOR_SQL !== '0';
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DB_POOL_SIZE ?? 20) });
pool.on('error', () => {});

/** The user id the token names (`sub`), read without a check: the floor leaves authentication out. */
function subject(authorization: string | undefined): string {
  const payload = authorization?.split('.')[1] ?? '';
  return (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { sub: string }).sub;
}

const server = http.createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', async () => {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { variables: { bookId: string } };
    const userId = subject(request.headers.authorization);
    let data: unknown = { assignRandomCoupon: { id: '00000000-0000-0000-0000-000000000000', code: 'FLOOR', state: 'ASSIGNED' } };
    if (withSql) {
      const outcome = await inTransaction(pool, (tx) => claimRandomCoupon(tx, { bookId: body.variables.bookId, userId, actorId: userId, now: new Date() }));
      const coupon = outcome.coupon;
      data = { assignRandomCoupon: coupon ? { id: coupon.id, code: coupon.code, state: 'ASSIGNED' } : null };
    }
    const json = JSON.stringify({ data });
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
    response.end(json);
  });
});

server.listen(0, '127.0.0.1', () => {
  const address = server.address() as { port: number };
  process.stdout.write(`floor listening on ${address.port}\n`);
});
process.on('SIGTERM', () => {
  server.close();
  void pool.end().then(() => process.exit(0));
});
