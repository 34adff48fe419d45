/**
 * The value under `key`, made by `create()` and stored first when there is none: the one step of
 * the per-schema, per-document and per-event caches (server/limits.ts, events/shared-execution.ts).
 */
export function getOrAdd<K extends object, V>(map: WeakMap<K, V>, key: K, create: () => V): V;
export function getOrAdd<K, V>(map: Map<K, V>, key: K, create: () => V): V;
export function getOrAdd<K extends object, V>(map: Map<K, V> | WeakMap<K, V>, key: K, create: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = create();
    map.set(key, value);
  }
  return value;
}
