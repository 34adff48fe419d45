import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDatabase } from '@coupons/db';

/**
 * The one thing tests cannot do through the public API: make an ADMIN (there is deliberately no
 * API for it). This tiny HTTP service, started by scripts/e2e.ts next to the API, registers a
 * user through GraphQL and, for ADMIN, sets the role in the database, then signs in again so the
 * returned token carries the role. Every test gets fresh users from it; nothing is shared.
 *
 *   POST /users {"role": "ADMIN" | "USER"}  →  {"id", "email", "password", "token", "role"}
 */
export interface FactoryServer {
  url: string;
  close(): Promise<void>;
}

const PASSWORD = 'e2e-password-123';

export async function startFactoryServer(options: { graphqlUrl: string; databaseUrl: string }): Promise<FactoryServer> {
  const db = createDatabase({ url: options.databaseUrl, poolSize: 2, applicationName: 'coupons-e2e-factory' });

  async function graphql<T>(query: string, variables: Record<string, unknown>): Promise<T> {
    const response = await fetch(options.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: T; errors?: unknown[] };
    if (!body.data || body.errors?.length) throw new Error(`GraphQL failed: ${JSON.stringify(body.errors ?? body)}`);
    return body.data;
  }

  async function createUser(role: 'ADMIN' | 'USER', prefix: string) {
    const email = `${prefix}-${randomUUID().slice(0, 8)}@e2e.test`;
    const auth = 'token user { id email role }';
    const registered = await graphql<{ register: { token: string; user: { id: string } } }>(
      `mutation ($email: String!, $password: String!) { register(email: $email, password: $password) { ${auth} } }`,
      { email, password: PASSWORD },
    );
    let token = registered.register.token;
    if (role === 'ADMIN') {
      await db.pool.query(`UPDATE app_user SET role = 'ADMIN' WHERE id = $1`, [registered.register.user.id]);
      const signedIn = await graphql<{ login: { token: string } }>(
        `mutation ($email: String!, $password: String!) { login(email: $email, password: $password) { ${auth} } }`,
        { email, password: PASSWORD },
      );
      token = signedIn.login.token;
    }
    return { id: registered.register.user.id, email, password: PASSWORD, token, role };
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        try {
          if (req.method !== 'POST' || req.url !== '/users') {
            res.writeHead(404).end();
            return;
          }
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { role?: string; prefix?: string };
          const role = body.role === 'ADMIN' ? 'ADMIN' : 'USER';
          const prefix = (body.prefix ?? role.toLowerCase()).replace(/[^a-z0-9-]/gi, '').slice(0, 30) || 'user';
          const user = await createUser(role, prefix);
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(user));
        } catch (error) {
          res.writeHead(500, { 'content-type': 'text/plain' }).end(error instanceof Error ? error.message : String(error));
        }
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await db.close();
    },
  };
}
