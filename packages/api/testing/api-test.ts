import { type SignedUpUser, signUp } from './factories.ts';
import { startTestServer, type TestServer, type TestServerOptions } from './test-server.ts';

/** What most API test files start with: a server on a fresh database, an ADMIN and a USER. */
export interface ApiTest {
  server: TestServer;
  admin: SignedUpUser;
  user: SignedUpUser;
}

/**
 * Starts a test server (`startTestServer(options)`) and signs up an ADMIN and a USER on it. Call
 * it in `beforeAll` and close `server` in `afterAll`.
 *
 * @example
 * let server: TestServer; let admin: SignedUpUser; let user: SignedUpUser;
 * beforeAll(async () => ({ server, admin, user } = await startApiTest()));
 * afterAll(() => server.close());
 */
export async function startApiTest(options: TestServerOptions = {}): Promise<ApiTest> {
  const server = await startTestServer(options);
  try {
    const [admin, user] = await Promise.all([signUp(server, 'ADMIN'), signUp(server)]);
    return { server, admin, user };
  } catch (error) {
    await server.close();
    throw error;
  }
}
