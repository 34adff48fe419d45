import { useSyncExternalStore } from 'react';

/** The state of the subscription socket, for the "Live" indicators on live screens. */
export type LiveStatus = 'idle' | 'connecting' | 'live' | 'offline';

/**
 * What the console knows of its connection to the API, for the connection badge and the Live
 * page: the socket's state, since when it has been down (kept through the reconnection attempts
 * until it is live again), and since when HTTP calls fail (cleared by the next that succeeds).
 * Times are epoch milliseconds of the browser's clock: they say when *this* screen lost touch.
 */
export interface ConnectionState {
  socket: LiveStatus;
  /** Set when the socket dropped (not a clean lazy close); null once it is live again. */
  socketDownSince: number | null;
  /** Set by the first failed HTTP call (unreachable, 5xx, database away); null after one succeeds. */
  httpFailingSince: number | null;
}

const INITIAL: ConnectionState = { socket: 'idle', socketDownSince: null, httpFailingSince: null };
let state: ConnectionState = INITIAL;
const listeners = new Set<() => void>();

function update(next: ConnectionState): void {
  if (next.socket === state.socket && next.socketDownSince === state.socketDownSince && next.httpFailingSince === state.httpFailingSince) return;
  state = next;
  for (const listener of listeners) listener();
}

/**
 * The socket's new state. `offline` starts the "down since" clock (a retry's `connecting` keeps
 * it running); `live` stops it; `idle` is a clean close (nothing missed) and stops it too.
 */
export function setLiveStatus(next: LiveStatus, now = Date.now()): void {
  const downSince = next === 'live' || next === 'idle' ? null : next === 'offline' ? (state.socketDownSince ?? now) : state.socketDownSince;
  update({ ...state, socket: next, socketDownSince: downSince });
}

/** An HTTP call failed for reasons of the connection or the server, not of what it asked. */
export function reportHttpFailure(now = Date.now()): void {
  update({ ...state, httpFailingSince: state.httpFailingSince ?? now });
}

/** An HTTP call was answered: the server is reachable again. */
export function reportHttpSuccess(): void {
  update({ ...state, httpFailingSince: null });
}

/** Back to nothing known (the session ended; tests). */
export function resetConnectionState(): void {
  update(INITIAL);
}

/** The state now, for code outside React. */
export function getConnectionState(): ConnectionState {
  return state;
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useConnectionState(): ConnectionState {
  return useSyncExternalStore(
    subscribe,
    () => state,
    () => INITIAL,
  );
}

export function useLiveStatus(): LiveStatus {
  return useConnectionState().socket;
}

/** What a screen shows of the connection, most serious first. */
export type ConnectionHealth =
  | { kind: 'offline'; since: number }
  | { kind: 'failing'; since: number }
  | { kind: 'live' }
  | { kind: 'connecting' };

/**
 * The badge's verdict: a dropped socket first (live numbers stopped), then failing HTTP calls
 * (reads and actions fail even if events still flow), and "live" only when neither is true.
 */
export function connectionHealth(connection: ConnectionState): ConnectionHealth {
  if (connection.socketDownSince !== null) return { kind: 'offline', since: connection.socketDownSince };
  if (connection.httpFailingSince !== null) return { kind: 'failing', since: connection.httpFailingSince };
  return connection.socket === 'live' ? { kind: 'live' } : { kind: 'connecting' };
}

export function useConnectionHealth(): ConnectionHealth {
  return connectionHealth(useConnectionState());
}
