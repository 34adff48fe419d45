import { noteFallbackServerTime } from '../clock/server-clock';

/** Where the browser finds the API, resolved once at start-up from `/config.json`. */
export interface ConsoleConfig {
  /** GraphQL over HTTP, e.g. `http://localhost:4000/graphql`. */
  graphqlUrl: string;
  /** graphql-ws on the same path, e.g. `ws://localhost:4000/graphql`. */
  wsUrl: string;
  /** The API's origin plus base path, for the CSV export endpoints next to `/graphql`. */
  apiBaseUrl: string;
}

interface PublicConfigPayload {
  apiUrl: string;
  wsUrl: string | null;
  serverTime?: string;
}

/** Fetches the runtime configuration the server resolved from its environment. */
export async function loadConsoleConfig(): Promise<ConsoleConfig> {
  const response = await fetch('/config.json', { cache: 'no-store' });
  if (!response.ok) throw new Error(`Could not load /config.json (HTTP ${response.status})`);
  const payload = (await response.json()) as PublicConfigPayload;
  noteFallbackServerTime(payload.serverTime);
  return resolveConsoleConfig(payload, window.location.href);
}

/** Normalises the public config: accepts a base URL or the `/graphql` URL, absolute or relative. */
export function resolveConsoleConfig(payload: PublicConfigPayload, pageUrl: string): ConsoleConfig {
  const given = new URL(payload.apiUrl, pageUrl);
  const graphqlUrl = new URL(given.href);
  if (!/\/graphql\/?$/.test(graphqlUrl.pathname)) {
    graphqlUrl.pathname = `${graphqlUrl.pathname.replace(/\/$/, '')}/graphql`;
  }
  const apiBase = new URL(graphqlUrl.href);
  apiBase.pathname = apiBase.pathname.replace(/\/graphql\/?$/, '');
  const ws = payload.wsUrl ? new URL(payload.wsUrl, pageUrl) : new URL(graphqlUrl.href);
  if (!payload.wsUrl) ws.protocol = graphqlUrl.protocol === 'https:' ? 'wss:' : 'ws:';
  return {
    graphqlUrl: graphqlUrl.href,
    wsUrl: ws.href,
    apiBaseUrl: apiBase.href.replace(/\/$/, ''),
  };
}
