import type { Client } from 'graphql-ws';
import { afterAll, beforeAll } from 'vitest';
import { type ApiUser, createUsers, type SignedUpUser, signUp } from './factories.ts';
import { type ClientPool, createClientPool } from './graphql-ws.client.ts';
import { startSiblingServer, startTestServer, type TestServer, type TestServerOptions } from './test-server.ts';

/** How `useApiTest` makes its users: through `register` (`signUp`) or inserted (`createUsers`). */
export type Accounts = 'registered' | 'inserted';
/** The user type of each kind of account. */
export type AccountOf<A extends Accounts> = A extends 'inserted' ? ApiUser : SignedUpUser;

export interface UseApiTestOptions<S extends TestServer, N extends string, A extends Accounts> extends TestServerOptions {
  /** The USERs to make, each a field of the handle by its name (default `['user']`; `[]` for none). */
  users?: readonly N[];
  /** Make an ADMIN too, as `t.admin` (default true). */
  admin?: boolean;
  /**
   * `'registered'` (default): through the API's `register` (`signUp`, argon2: ~100 ms each), as
   * `SignedUpUser`; `'inserted'`: rows inserted with tokens signed by the server (`createUsers`), as `ApiUser`.
   */
  accounts?: A;
  /** Also start a second server on the same database and clock, as `t.sibling` (see `startSiblingServer`). */
  sibling?: { listenerName: string };
  /** Starts the server another way (e.g. `() => startLoggedServer(env)`); the other server options are then unused. */
  start?: () => Promise<S>;
}

/** What `useApiTest` gives a test file: read its fields inside tests and hooks, not at load time. */
export type UsedApiTest<S extends TestServer, N extends string, U> = {
  readonly server: S;
  /** The ADMIN (unless `admin: false`). */
  readonly admin: U;
  /** The second server on the same database (with `sibling`). */
  readonly sibling: TestServer;
  /** Every USER, in the order of `users`. */
  readonly users: readonly U[];
  /** graphql-ws clients of the file, closed in `afterAll` before the server. */
  readonly clients: ClientPool;
  /** A new graphql-ws client of the file (`clients`) signed in as `user`, on `server` (default `t.server`). */
  socket(user: { token: string }, server?: TestServer): Client;
} & { readonly [K in N]: U };

/**
 * What most API test files start with, in one line: registers a `beforeAll` that starts a test
 * server (`startTestServer(options)`, on a fresh database) and makes an ADMIN and the named USERs
 * on it, and an `afterAll` that closes the file's graphql-ws clients (`t.clients`) and then the
 * server. Call it at the top of a file (or of a `describe`).
 *
 * @example
 * const t = useApiTest(); // t.server, t.admin, t.user
 * const t = useApiTest({ users: ['alice', 'mallory'], accounts: 'inserted', env: { MAX_QUERY_DEPTH: '10' } });
 * const t = useApiTest({ start: () => startLoggedServer({ NODE_ENV: 'production' }), admin: false, users: [] });
 */
export function useApiTest<S extends TestServer = TestServer, const N extends string = 'user', A extends Accounts = 'registered'>(
  options: UseApiTestOptions<S, N, A> = {},
): UsedApiTest<S, N, AccountOf<A>> {
  type U = AccountOf<A>;
  const { users: names = ['user' as N], admin: withAdmin = true, accounts = 'registered', sibling, start, ...serverOptions } = options;
  const clients = createClientPool();
  let started: { server: S; sibling: TestServer | undefined; admin: U | undefined; users: U[] } | undefined;

  const make = async (server: S, count: number, role: 'ADMIN' | 'USER'): Promise<U[]> => {
    if (count === 0) return [];
    if (accounts === 'inserted') return (await createUsers(server, count, role)) as U[];
    return (await Promise.all(Array.from({ length: count }, () => signUp(server, role)))) as U[];
  };

  beforeAll(async () => {
    const server = start ? await start() : ((await startTestServer(serverOptions)) as S);
    let siblingServer: TestServer | undefined;
    try {
      if (sibling) siblingServer = await startSiblingServer(server, { listenerName: sibling.listenerName, clock: server.clock });
      const [admins, users] = await Promise.all([make(server, withAdmin ? 1 : 0, 'ADMIN'), make(server, names.length, 'USER')]);
      started = { server, sibling: siblingServer, admin: admins[0], users };
    } catch (error) {
      await siblingServer?.close();
      await server.close();
      throw error;
    }
  });
  afterAll(async () => {
    await clients.disposeAll();
    await started?.sibling?.close();
    await started?.server.close();
  });

  const current = () => {
    if (!started) throw new Error('useApiTest: read inside a test or hook, after its beforeAll has run');
    return started;
  };
  const handle = {
    get server() {
      return current().server;
    },
    get admin() {
      const { admin } = current();
      if (!admin) throw new Error('useApiTest: no admin (admin: false)');
      return admin;
    },
    get sibling() {
      const { sibling } = current();
      if (!sibling) throw new Error('useApiTest: no sibling server (sibling: { listenerName })');
      return sibling;
    },
    get users() {
      return current().users;
    },
    clients,
    socket: (user: { token: string }, server?: TestServer) => clients.connect(server ?? current().server, user.token).client,
  };
  names.forEach((name, i) => {
    Object.defineProperty(handle, name, { enumerable: true, get: () => current().users[i] });
  });
  return handle as UsedApiTest<S, N, U>;
}

/** `useApiTest` for a file that needs only the server (no users): `const t = useTestServer(options)`, then `t.server`. */
export function useTestServer(options: TestServerOptions & { sibling?: { listenerName: string } } = {}): UsedApiTest<TestServer, never, SignedUpUser> {
  return useApiTest({ ...options, admin: false, users: [] });
}
