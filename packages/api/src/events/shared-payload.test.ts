import type { ExecutionResult } from 'graphql';
import { describe, expect, it } from 'vitest';
import { createSharedPayloads, nextMessage } from './shared-payload.ts';

describe('createSharedPayloads', () => {
  it('makes a shared result’s JSON once, and every subscription its own valid message around it', () => {
    const payloads = createSharedPayloads();
    let serialised = 0;
    const data = { couponEvents: { id: '7', note: 'quote " and \u0000 and </script>' } };
    const toJSON = () => {
      serialised++;
      return data;
    };
    const result = payloads.share({ data: { toJSON } } as unknown as ExecutionResult);
    const ids = ['a', 'b', 'c"d\u2028'];
    const messages = ids.map((id) => nextMessage(id, payloads.jsonOf(result) as string));
    expect(messages.map((m) => JSON.parse(m))).toEqual(ids.map((id) => ({ id, type: 'next', payload: { data } })));
    expect(serialised).toBe(1);
  });

  it('has no JSON for a result nobody shares', () => {
    expect(createSharedPayloads().jsonOf({ data: { ok: true } })).toBeUndefined();
  });
});
