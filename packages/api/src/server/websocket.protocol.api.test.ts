import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import { WebSocket } from 'ws';
import { pollUntil, rawConnectionInit, useApiTest } from '../../testing/index.ts';
import { MAX_OPERATIONS_PER_SOCKET, MAX_SOCKET_MESSAGE_BYTES } from './websocket.ts';

// What a client may send over graphql-transport-ws that the protocol does not allow: it closes
// its own socket with a client error code, never 4500 "Internal server error".

const t = useApiTest();

/** Resolves with the close code and reason of `socket`. */
function closed(socket: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: String(reason) })));
}

/** A socket that has not sent `connection_init`. */
function openSocket(): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(t.server.wsUrl, 'graphql-transport-ws');
    socket.once('error', reject);
    socket.once('open', () => resolve(socket));
  });
}

describe('graphql-transport-ws: messages a client may not send', () => {
  // graphql-ws prints what it takes for a server fault with console.error, past the logger.
  let printed: MockInstance<typeof console.error>;
  beforeEach(() => {
    printed = vi.spyOn(console, 'error');
  });
  afterEach(() => {
    expect(printed).not.toHaveBeenCalled();
    printed.mockRestore();
  });

  it.each([
    ['connection_ack', { type: 'connection_ack' }],
    ['next', { type: 'next', id: '1', payload: { data: {} } }],
    ['error', { type: 'error', id: '1', payload: [{ message: 'x' }] }],
  ])('a %s (a server message) after sign-in closes the socket with 4400', async (_, message) => {
    const init = await rawConnectionInit(t.server.wsUrl, { authorization: `Bearer ${t.admin.token}` });
    expect(init.ack).toBe(true);
    const close = closed(init.socket);
    init.socket.send(JSON.stringify(message));
    expect(await close).toEqual({ code: 4400, reason: 'Invalid message received' });
  });

  it('a server message before connection_init closes the socket with 4400', async () => {
    const socket = await openSocket();
    const close = closed(socket);
    socket.send(JSON.stringify({ type: 'connection_ack' }));
    expect((await close).code).toBe(4400);
  });

  it(`a message over ${MAX_SOCKET_MESSAGE_BYTES} bytes closes the socket with 1009 (too big), before sign-in too`, async () => {
    const socket = await openSocket();
    const close = closed(socket);
    socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: 'x'.repeat(MAX_SOCKET_MESSAGE_BYTES) } }));
    expect((await close).code).toBe(1009);
  });

  it('a binary frame whose bytes are not UTF-8 closes the socket with 4400; one in UTF-8 is read', async () => {
    const init = await rawConnectionInit(t.server.wsUrl, { authorization: `Bearer ${t.admin.token}` });
    const pong = new Promise((resolve) => init.socket.on('message', (data) => JSON.parse(String(data)).type === 'pong' && resolve(true)));
    init.socket.send(Buffer.from(JSON.stringify({ type: 'ping', payload: { note: 'Café ✓' } })), { binary: true });
    expect(await pong).toBe(true);
    const close = closed(init.socket);
    // A redeem of a code spelled with two bytes no UTF-8 text has (a JSON string holding them as they are).
    const [before, after] = JSON.stringify({ type: 'subscribe', id: '1', payload: { query: 'mutation { redeemCoupon(code: "@") { id } }' } }).split('@');
    init.socket.send(Buffer.concat([Buffer.from(before), Buffer.from([0xff, 0xfe]), Buffer.from(after)]), { binary: true });
    expect(await close).toEqual({ code: 4400, reason: 'Invalid message received' });
  });

  it('the server still takes the messages the protocol allows on the same kind of socket', async () => {
    const init = await rawConnectionInit(t.server.wsUrl, { authorization: `Bearer ${t.admin.token}` });
    const pong = new Promise((resolve) => init.socket.on('message', (data) => JSON.parse(String(data)).type === 'pong' && resolve(true)));
    init.socket.send(JSON.stringify({ type: 'ping' }));
    expect(await pong).toBe(true);
    init.socket.close();
  });

  it(`one connection runs at most ${MAX_OPERATIONS_PER_SOCKET} operations at once: one more is RATE_LIMITED until one completes`, async () => {
    const init = await rawConnectionInit(t.server.wsUrl, { authorization: `Bearer ${t.admin.token}` });
    const socket = init.socket;
    const answers = new Map<string, { type: string; payload?: Array<{ extensions?: { code?: string } }> }>();
    socket.on('message', (data) => {
      const message = JSON.parse(String(data));
      if (message.id) answers.set(message.id, message);
    });
    const subscribe = (id: string) => socket.send(JSON.stringify({ id, type: 'subscribe', payload: { query: 'subscription { couponEvents { type } }' } }));
    // A refused operation gives its place back: a bad document first, then the cap's worth.
    socket.send(JSON.stringify({ id: 'bad', type: 'subscribe', payload: { query: '{' } }));
    await pollUntil(async () => answers.get('bad'), (answer) => answer !== undefined);
    expect(answers.get('bad')).toMatchObject({ type: 'error', payload: [{ extensions: { code: 'BAD_USER_INPUT' } }] });
    for (let i = 0; i < MAX_OPERATIONS_PER_SOCKET; i++) subscribe(`s${i}`);
    subscribe('one-more');
    await pollUntil(async () => answers.get('one-more'), (answer) => answer !== undefined);
    expect(answers.get('one-more')).toMatchObject({ type: 'error', payload: [{ extensions: { code: 'RATE_LIMITED' } }] });
    expect([...answers.keys()].filter((id) => id.startsWith('s'))).toEqual([]); // the running ones are running
    socket.send(JSON.stringify({ id: 's0', type: 'complete' }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    subscribe('after');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(answers.get('after')).toBeUndefined(); // accepted: it waits for events like the others
    socket.close();
  });
});
