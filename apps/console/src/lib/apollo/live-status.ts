import { useSyncExternalStore } from 'react';

/** The state of the subscription socket, for the "Live" indicators on live screens. */
export type LiveStatus = 'idle' | 'connecting' | 'live' | 'offline';

let status: LiveStatus = 'idle';
const listeners = new Set<() => void>();

export function setLiveStatus(next: LiveStatus): void {
  if (next === status) return;
  status = next;
  for (const listener of listeners) listener();
}

export function useLiveStatus(): LiveStatus {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => status,
    () => 'idle',
  );
}
