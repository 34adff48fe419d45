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

/** A sample of the API's clock (`serverTime` of an event or of book stats). */
export function noteServerTime(serverTime: string | null | undefined): void {
  const offset = offsetOf(serverTime);
  if (offset === null) return;
  samples.push(offset);
  if (samples.length > SAMPLE_WINDOW) samples.shift();
  offsetMs = Math.max(...samples);
}

/**
 * The console server's clock (from /config.json): a stand-in until the API has sent its own time,
 * so a page opened on an already locked coupon does not count down on a wrong browser clock.
 */
export function noteFallbackServerTime(serverTime: string | null | undefined): void {
  const offset = offsetOf(serverTime);
  if (offset !== null && samples.length === 0) offsetMs = offset;
}

function offsetOf(serverTime: string | null | undefined): number | null {
  if (!serverTime) return null;
  const server = Date.parse(serverTime);
  return Number.isNaN(server) ? null : server - Date.now();
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
