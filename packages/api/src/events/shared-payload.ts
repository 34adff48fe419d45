import type { ExecutionResult } from 'graphql';

/**
 * Serialise once. A result that a whole audience shares (events/shared-execution.ts) is turned
 * into JSON the first time a subscriber needs it, and that text is reused for every other
 * subscriber: per socket only the message's envelope is built around it ({@link nextMessage}).
 * graphql-ws would instead `JSON.stringify({ id, type, payload })` for every socket, payload
 * included, since the id differs per subscription.
 */
export interface SharedPayloads {
  /** Marks a result that many subscribers will be sent as it is; returns it. */
  share<T extends ExecutionResult>(result: T): T;
  /** The JSON of a shared result, made once; undefined for a result nobody shares. */
  jsonOf(result: ExecutionResult): string | undefined;
}

export function createSharedPayloads(): SharedPayloads {
  /** A shared result → its JSON once made (null: not made yet). */
  const json = new WeakMap<ExecutionResult, string | null>();
  return {
    share(result) {
      if (!json.has(result)) json.set(result, null);
      return result;
    },
    jsonOf(result) {
      const made = json.get(result);
      if (made !== null) return made;
      const text = JSON.stringify(result);
      json.set(result, text);
      return text;
    },
  };
}

/** A graphql-transport-ws `next` message around a payload that is JSON already. */
export function nextMessage(id: string, payloadJson: string): string {
  return `{"id":${JSON.stringify(id)},"type":"next","payload":${payloadJson}}`;
}
