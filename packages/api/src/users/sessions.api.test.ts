import { describe, expect, it } from 'vitest';
import {
  createBook,
  errorCode,
  graphqlRequest,
  rawConnectionInit,
  record,
  type RecordingClient,
  type SignedUpUser,
  signUp,
  useApiTest,
  waitFor,
  SESSION_RECHECK_MS,
} from '../../testing/index.ts';

// Revocable sessions over the real transports: the role and the account are read from the
// database on every request, `revokeUserSessions` / `signOutEverywhere` refuse every older token,
// and open WebSockets are closed when their principal is revoked (4401) or demoted (4403).

const ME = '{ me { id role } }';
const USERS = '{ users(first: 1) { totalCount } }';
const LOGIN = 'mutation ($e: String!, $p: String!) { login(email: $e, password: $p) { token } }';
const REVOKE = 'mutation ($u: ID!) { revokeUserSessions(userId: $u) { id email } }';
const SIGN_OUT = 'mutation { signOutEverywhere }';

const t = useApiTest({ users: [] });

async function login(user: SignedUpUser): Promise<string> {
  const res = await graphqlRequest<{ login: { token: string } }>(t.server, LOGIN, { e: user.email, p: user.password });
  if (!res.data?.login) throw new Error(`login failed: ${JSON.stringify(res.errors)}`);
  return res.data.login.token;
}

/** A graphql-ws client, connected (its socket admitted) before it resolves. */
async function connected(token: string): Promise<RecordingClient> {
  const c = t.clients.connect(t.server, token);
  const acked = new Promise<void>((resolve) => c.client.on('connected', () => resolve()));
  return Object.assign(c, { acked });
}

describe('over HTTP, the stored account decides at the next request', () => {
  it('a demoted admin gets FORBIDDEN on admin fields at once, with the same token', async () => {
    const demoted = await signUp(t.server, 'ADMIN');
    expect((await graphqlRequest(t.server, USERS, {}, demoted.token)).errors).toBeUndefined();
    await t.server.db.prisma.user.update({ where: { id: demoted.user.id }, data: { role: 'USER' } });
    expect(errorCode(await graphqlRequest(t.server, USERS, {}, demoted.token))).toBe('FORBIDDEN');
    expect((await graphqlRequest(t.server, ME, {}, demoted.token)).data?.me).toEqual({ id: demoted.user.id, role: 'USER' });
  });

  it("a deleted user's token is UNAUTHENTICATED (and does not keep them from signing up again)", async () => {
    const gone = await signUp(t.server);
    expect((await graphqlRequest(t.server, ME, {}, gone.token)).data?.me).toMatchObject({ id: gone.user.id });
    await t.server.db.prisma.user.delete({ where: { id: gone.user.id } });
    const res = await graphqlRequest(t.server, ME, {}, gone.token);
    expect(errorCode(res)).toBe('UNAUTHENTICATED');
    expect(res.errors?.[0].message).toMatch(/sign in again/);
    // Public fields ignore a refused token, as they ignore an expired one.
    const again = await graphqlRequest(t.server, 'mutation ($e: String!) { register(email: $e, password: "long enough pw") { token } }', { e: gone.email }, gone.token);
    expect(again.errors).toBeUndefined();
  });
});

describe('revokeUserSessions (ADMIN)', () => {
  it('refuses every token the user held; a new login works', async () => {
    const user = await signUp(t.server);
    const second = await login(user);
    for (const token of [user.token, second]) expect((await graphqlRequest(t.server, ME, {}, token)).errors).toBeUndefined();

    const res = await graphqlRequest(t.server, REVOKE, { u: user.user.id }, t.admin.token);
    expect(res.data?.revokeUserSessions).toEqual({ id: user.user.id, email: user.email });

    for (const token of [user.token, second]) expect(errorCode(await graphqlRequest(t.server, ME, {}, token))).toBe('UNAUTHENTICATED');
    const fresh = await login(user);
    expect((await graphqlRequest(t.server, ME, {}, fresh)).data?.me).toMatchObject({ id: user.user.id });
    // The admin's own session is untouched.
    expect((await graphqlRequest(t.server, ME, {}, t.admin.token)).errors).toBeUndefined();
  });

  it('is NOT_FOUND for an unknown user and BAD_USER_INPUT for a malformed id', async () => {
    expect(errorCode(await graphqlRequest(t.server, REVOKE, { u: '00000000-0000-4000-8000-000000000000' }, t.admin.token))).toBe('NOT_FOUND');
    expect(errorCode(await graphqlRequest(t.server, REVOKE, { u: 'nope' }, t.admin.token))).toBe('BAD_USER_INPUT');
  });
});

describe('signOutEverywhere', () => {
  it('refuses every token of the caller, this one included; a new login works', async () => {
    const user = await signUp(t.server);
    const second = await login(user);
    const res = await graphqlRequest(t.server, SIGN_OUT, {}, second);
    expect(res.data?.signOutEverywhere).toBe(true);
    for (const token of [user.token, second]) expect(errorCode(await graphqlRequest(t.server, ME, {}, token))).toBe('UNAUTHENTICATED');
    const fresh = await login(user);
    expect((await graphqlRequest(t.server, ME, {}, fresh)).data?.me).toMatchObject({ id: user.user.id });
  });
});

describe('open WebSockets', () => {
  const SUBSCRIPTION = 'subscription ($b: ID) { couponEvents(bookId: $b) { id } }';
  /** The re-check interval, plus room for a loaded machine. */
  const BOUND_MS = SESSION_RECHECK_MS + 3_000;

  it('a revoked session is closed with 4401 at once by revokeUserSessions on this server', async () => {
    const user = await signUp(t.server);
    const bookId = await createBook(t.server, t.admin.token);
    const c = await connected(user.token);
    const sub = record(c.client, SUBSCRIPTION, { b: bookId });
    await (c as RecordingClient & { acked: Promise<void> }).acked;
    const started = Date.now();
    await graphqlRequest(t.server, REVOKE, { u: user.user.id }, t.admin.token);
    await waitFor(() => c.closes.length > 0, 'the socket to close', 1_000);
    expect(c.closes.map((close) => close.code)).toEqual([4401]);
    expect(Date.now() - started).toBeLessThan(1_000);
    await sub.finished; // not the periodic re-check: the revocation itself
    expect(sub.values).toEqual([]);
  });

  it('a session revoked elsewhere (another instance, the database) is closed with 4401 within the re-check interval', async () => {
    const user = await signUp(t.server);
    const c = await connected(user.token);
    const sub = record(c.client, SUBSCRIPTION, {});
    await (c as RecordingClient & { acked: Promise<void> }).acked;
    const started = Date.now();
    await t.server.db.prisma.user.update({ where: { id: user.user.id }, data: { tokenVersion: { increment: 1 } } });
    await waitFor(() => c.closes.length > 0, 'the socket to close', BOUND_MS);
    expect(c.closes.map((close) => close.code)).toEqual([4401]);
    expect(Date.now() - started).toBeLessThan(BOUND_MS);
    await sub.finished;
  });

  it("a demoted admin's bookStats subscription is closed with 4403", async () => {
    const demoted = await signUp(t.server, 'ADMIN');
    const bookId = await createBook(t.server, t.admin.token);
    const c = await connected(demoted.token);
    const sub = record(c.client, 'subscription ($b: ID!) { bookStats(bookId: $b) { total } }', { b: bookId });
    await waitFor(() => sub.values.length > 0, 'the first bookStats');
    expect(sub.values[0].errors).toBeUndefined();
    const started = Date.now();
    await t.server.db.prisma.user.update({ where: { id: demoted.user.id }, data: { role: 'USER' } });
    await waitFor(() => c.closes.length > 0, 'the socket to close', BOUND_MS);
    expect(c.closes.map((close) => close.code)).toEqual([4403]);
    expect(Date.now() - started).toBeLessThan(BOUND_MS);
    await sub.finished;
  });

  it('a deleted user cannot open a socket (4401), and a revoked one cannot subscribe on an open socket', async () => {
    const gone = await signUp(t.server);
    await t.server.db.prisma.user.delete({ where: { id: gone.user.id } });
    const refused = await rawConnectionInit(t.server.wsUrl, { authorization: `Bearer ${gone.token}` });
    expect(refused).toMatchObject({ ack: false, code: 4401 });

    const user = await signUp(t.server);
    const c = await connected(user.token);
    const first = record(c.client, SUBSCRIPTION, {});
    await (c as RecordingClient & { acked: Promise<void> }).acked;
    // Revoked behind the server's back, then a new subscribe on the same socket, before the re-check.
    await t.server.db.prisma.user.update({ where: { id: user.user.id }, data: { tokenVersion: { increment: 1 } } });
    const second = record(c.client, SUBSCRIPTION, {});
    await Promise.all([first.finished, second.finished]);
    await waitFor(() => c.closes.length > 0, 'the socket to close', 1_000);
    expect(c.closes.map((close) => close.code)).toEqual([4401]);
    expect(second.values.filter((v) => !v.errors)).toEqual([]);
  });
});
