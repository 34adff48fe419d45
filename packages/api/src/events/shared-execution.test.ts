import { buildSchema, type ExecutionResult, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { createSharedSubscribe } from './shared-execution.ts';
import { createSharedPayloads } from './shared-payload.ts';

/** A tiny schema whose subscription yields the bus's event objects and counts executions. */
function setup() {
  let executions = 0;
  const schema = buildSchema(`
    type Event { id: ID! seenBy: String! }
    type Query { ok: Boolean }
    type Subscription { events(tag: String = "default"): Event! }
  `);
  const events = [{ id: '1' }, { id: '2' }];
  let returned = 0;
  const subscriptionField = schema.getSubscriptionType()?.getFields().events;
  if (!subscriptionField) throw new Error('schema');
  subscriptionField.subscribe = () => {
    let i = 0;
    return {
      [Symbol.asyncIterator]() {
        return this;
      },
      async next() {
        return i < events.length ? { value: events[i++], done: false } : { value: undefined, done: true };
      },
      async return() {
        returned++;
        return { value: undefined, done: true };
      },
    };
  };
  subscriptionField.resolve = (event: { id: string }, args: { tag?: string | null }, context: { service: { caller: { userId: string } } }) => {
    executions++;
    return { id: event.id, seenBy: args.tag === 'default' ? context.service.caller.userId : `${context.service.caller.userId}:${args.tag}` };
  };
  const context = (userId: string, role: 'ADMIN' | 'USER') => ({ service: { caller: { userId, role } } });
  return { schema, context, executions: () => executions, returned: () => returned };
}

async function drain(iterable: unknown): Promise<ExecutionResult[]> {
  const out: ExecutionResult[] = [];
  for await (const result of iterable as AsyncIterable<ExecutionResult>) out.push(result);
  return out;
}

describe('createSharedSubscribe', () => {
  it('executes each event once per audience: admins share, each user is alone', async () => {
    const { schema, context, executions } = setup();
    const subscribe = createSharedSubscribe();
    const run = (userId: string, role: 'ADMIN' | 'USER') =>
      subscribe({ schema, document: parse('subscription { events { id seenBy } }'), contextValue: context(userId, role) });
    const [admin1, admin2, user1, user2] = await Promise.all([
      run('a1', 'ADMIN'),
      run('a2', 'ADMIN'),
      run('u1', 'USER'),
      run('u2', 'USER'),
    ]);
    const results = await Promise.all([admin1, admin2, user1, user2].map(drain));
    expect(results.map((r) => r.map((x) => x.data?.events))).toEqual([
      [{ id: '1', seenBy: 'a1' }, { id: '2', seenBy: 'a1' }],
      [{ id: '1', seenBy: 'a1' }, { id: '2', seenBy: 'a1' }], // the shared admin result
      [{ id: '1', seenBy: 'u1' }, { id: '2', seenBy: 'u1' }],
      [{ id: '1', seenBy: 'u2' }, { id: '2', seenBy: 'u2' }],
    ]);
    expect(executions()).toBe(6); // 2 events × (admins, u1, u2), not 2 × 4
  });

  it('never lets an API key share with a person, nor keys of different scopes with each other', async () => {
    const { schema, executions } = setup();
    const subscribe = createSharedSubscribe();
    const key = (userId: string, scopes: string[]) => ({ service: { caller: { userId, role: 'ADMIN', apiKey: { id: userId, name: userId, scopes } } } });
    const callers = [
      { service: { caller: { userId: 'a1', role: 'ADMIN' } } },
      key('k1', ['COUPONS_READ']),
      key('k2', ['COUPONS_READ']),
      key('k3', ['COUPONS_READ', 'ADMIN']),
    ];
    const iterables = await Promise.all(
      callers.map((contextValue) => subscribe({ schema, document: parse('subscription { events { id seenBy } }'), contextValue })),
    );
    const results = await Promise.all(iterables.map(drain));
    expect(results.map((r) => r[0].data?.events)).toEqual([
      { id: '1', seenBy: 'a1' },
      { id: '1', seenBy: 'k1' },
      { id: '1', seenBy: 'k1' }, // the same scopes: shared
      { id: '1', seenBy: 'k3' },
    ]);
    expect(executions()).toBe(6); // 2 events × (the admin, the read keys, the admin key)
  });

  it('empties the executing context before each execution, once per audience', async () => {
    const { schema, context } = setup();
    const cleared: string[] = [];
    const subscribe = createSharedSubscribe({
      beforeExecute: (ctx) => cleared.push((ctx as ReturnType<typeof context>).service.caller.userId),
    });
    const run = (userId: string, role: 'ADMIN' | 'USER') =>
      subscribe({ schema, document: parse('subscription { events { id } }'), contextValue: context(userId, role) });
    await Promise.all((await Promise.all([run('a1', 'ADMIN'), run('a2', 'ADMIN'), run('u1', 'USER')])).map(drain));
    expect(cleared.sort()).toEqual(['a1', 'a1', 'u1', 'u1']);
  });

  it('writes shared results itself, their JSON made once, and yields the others to graphql-ws', async () => {
    const { schema, context } = setup();
    const payloads = createSharedPayloads();
    const written: Array<{ to: string; json: string }> = [];
    // Admins share; users, here, do not.
    const audienceOf = (ctx: unknown) => ((ctx as ReturnType<typeof context>).service.caller.role === 'ADMIN' ? 'ADMIN' : null);
    const send = async (ctx: unknown, json: string) => {
      written.push({ to: (ctx as ReturnType<typeof context>).service.caller.userId, json });
    };
    const subscribe = createSharedSubscribe({ payloads, audienceOf, send });
    const run = (userId: string, role: 'ADMIN' | 'USER') =>
      subscribe({ schema, document: parse('subscription { events { id } }'), contextValue: context(userId, role) });
    const [a1, a2, u1] = await Promise.all([run('a1', 'ADMIN'), run('a2', 'ADMIN'), run('u1', 'USER')]);
    const yielded = await Promise.all([a1, a2, u1].map(drain));
    expect(yielded.map((r) => r.length)).toEqual([0, 0, 2]);
    expect(written.map((w) => w.to).sort()).toEqual(['a1', 'a1', 'a2', 'a2']);
    expect(written.filter((w) => w.to === 'a2').map((w) => JSON.parse(w.json))).toEqual([
      { data: { events: { id: '1' } } },
      { data: { events: { id: '2' } } },
    ]);
    // The very same text for both admins: made once per event.
    expect(written[0].json).toBe(written.find((w, i) => i > 0 && w.json.includes('"1"'))?.json);
  });

  it('does not share between different operations or variables', async () => {
    const { schema, context, executions } = setup();
    const subscribe = createSharedSubscribe();
    const a = await subscribe({ schema, document: parse('subscription { events { id } }'), contextValue: context('a1', 'ADMIN') });
    const b = await subscribe({ schema, document: parse('subscription { events { seenBy } }'), contextValue: context('a2', 'ADMIN') });
    await Promise.all([drain(a), drain(b)]);
    expect(executions()).toBe(4);
  });

  it('shares by the declared variables only: an omitted one (its default) and an explicit null stay apart', async () => {
    const { schema, context, executions } = setup();
    const subscribe = createSharedSubscribe();
    const document = parse('subscription ($tag: String) { events(tag: $tag) { id seenBy } }');
    const run = (userId: string, variableValues: Record<string, unknown>) => subscribe({ schema, document, contextValue: context(userId, 'ADMIN'), variableValues });
    const iterables = await Promise.all([run('a1', {}), run('a2', { unused: 1 }), run('a3', { tag: null }), run('a4', { tag: null, other: [2] })]);
    const results = await Promise.all(iterables.map(drain));
    expect(results.map((r) => r[0].data?.events)).toEqual([
      { id: '1', seenBy: 'a1' },
      { id: '1', seenBy: 'a1' }, // an undeclared variable changes nothing: shared
      { id: '1', seenBy: 'a3:null' },
      { id: '1', seenBy: 'a3:null' },
    ]);
    expect(executions()).toBe(4); // 2 events × (omitted, null)
  });

  it('subscribes, and delivers, with an undeclared variable nested 20,000 arrays deep (JSON.stringify cannot write it)', async () => {
    const { schema, context } = setup();
    const deep = JSON.parse(`${'['.repeat(20_000)}${']'.repeat(20_000)}`);
    expect(() => JSON.stringify(deep)).toThrow(RangeError);
    const iterable = await createSharedSubscribe()({
      schema,
      document: parse('subscription { events { id } }'),
      contextValue: context('a1', 'ADMIN'),
      variableValues: { deep },
    });
    expect((await drain(iterable)).map((r) => r.data?.events)).toEqual([{ id: '1' }, { id: '2' }]);
  });

  it('passes unsubscribe through to the source', async () => {
    const { schema, context, returned } = setup();
    const iterator = (await createSharedSubscribe()({
      schema,
      document: parse('subscription { events { id } }'),
      contextValue: context('a1', 'ADMIN'),
    })) as AsyncIterableIterator<ExecutionResult>;
    await iterator.next();
    await iterator.return?.();
    expect(returned()).toBe(1);
  });

  it('returns subscribe-time errors unshared', async () => {
    const { schema, context } = setup();
    const result = await createSharedSubscribe()({
      schema,
      document: parse('subscription { events { id } }'),
      contextValue: context('a1', 'ADMIN'),
      variableValues: {},
      operationName: 'Missing',
    });
    expect((result as ExecutionResult).errors?.[0]?.message).toMatch(/Unknown operation/);
  });
});
