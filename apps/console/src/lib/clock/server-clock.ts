import { useSyncExternalStore } from 'react';

/**
 * The console's estimate of the API server's clock. Lock countdowns are computed against it, not
 * against the browser's clock, which may be minutes off. Every `serverTime` the API sends
 * (coupon events, book stats) is a sample; a sample arrives late by the network delay, so the
 * largest recent offset is the closest to the truth.
 */
const SAMPLE_WINDOW = 8;
const samples: number[] = [];
let offsetMs = 0;

export function noteServerTime(serverTime: string | null | undefined): void {
  if (!serverTime) return;
  const server = Date.parse(serverTime);
  if (Number.isNaN(server)) return;
  samples.push(server - Date.now());
  if (samples.length > SAMPLE_WINDOW) samples.shift();
  offsetMs = Math.max(...samples);
}

/** Milliseconds since the epoch on the server's clock, as best known. */
export function serverNow(): number {
  return Date.now() + offsetMs;
}

// One shared ticker for every countdown on the page, started only while something listens.
const TICK_MS = 250;
const tickListeners = new Set<() => void>();
let tickTimer: ReturnType<typeof setInterval> | null = null;
let tickValue = 0;

function subscribeTick(listener: () => void): () => void {
  tickListeners.add(listener);
  if (!tickTimer) {
    tickTimer = setInterval(() => {
      tickValue = serverNow();
      for (const l of tickListeners) l();
    }, TICK_MS);
  }
  return () => {
    tickListeners.delete(listener);
    if (tickListeners.size === 0 && tickTimer) {
      clearInterval(tickTimer);
      tickTimer = null;
    }
  };
}

function getTick(): number {
  return tickValue || serverNow();
}

/** Re-renders the caller four times a second with the server's current time. */
export function useServerNow(): number {
  return useSyncExternalStore(subscribeTick, getTick, () => 0);
}
