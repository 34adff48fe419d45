import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode, graphqlRequest, signUp, startTestServer, type TestServer } from './index.ts';

let a: TestServer;
let b: TestServer;
beforeAll(async () => {
  [a, b] = await Promise.all([startTestServer(), startTestServer()]);
});
afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
});

describe('startTestServer', () => {
  it('starts independent servers on free ports with their own databases and secrets', async () => {
    expect(a.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/graphql$/);
    expect(a.wsUrl).toBe(a.url.replace('http:', 'ws:'));
    expect(a.url).not.toBe(b.url);
    const { token, user } = await signUp(a);
    expect(await b.db.prisma.user.count({ where: { id: user.id } })).toBe(0);
    expect(errorCode(await graphqlRequest(b, '{ me { id } }', {}, token))).toBe('UNAUTHENTICATED');
  });

  it('signUp makes admins whose token carries the role', async () => {
    const { token, user } = await signUp(a, 'ADMIN');
    expect(user.role).toBe('ADMIN');
    const res = await graphqlRequest(a, '{ me { role } users(first: 1) { totalCount } }', {}, token);
    expect(res.errors).toBeUndefined();
    expect(res.data!.me.role).toBe('ADMIN');
  });

  it('has a settable clock the server uses', async () => {
    a.clock.set('2030-05-05T05:05:05.000Z');
    const { user } = await signUp(a);
    expect(user.createdAt).toBeInstanceOf(Date);
    a.clock.advance({ minutes: 1 });
    expect(a.clock.now().toISOString()).toBe('2030-05-05T05:06:05.000Z');
  });

  it('close() stops the server', async () => {
    const c = await startTestServer();
    const url = c.url;
    await c.close();
    await expect(fetch(url, { method: 'POST' })).rejects.toThrow();
  });
});
