/**
 * The only place the console reads its environment. It runs at request time (from the
 * `/config.json` route), so one build serves any API address:
 *
 * - `PUBLIC_API_URL`: the API's GraphQL URL (or its base URL) as the *browser* reaches it;
 *   absolute (`http://localhost:4000/graphql`) or same-origin relative (`/graphql`).
 * - `PUBLIC_WS_URL`: optional; derived from `PUBLIC_API_URL` (http→ws, https→wss) when unset.
 * - `NEXT_PUBLIC_API_URL`: the build-time fallback, then `http://localhost:4000/graphql`.
 * - `REGISTRATION`: `closed` when the API's is (sign-up then says so instead of showing the form).
 */
export interface PublicConsoleConfig {
  apiUrl: string;
  wsUrl: string | null;
  /** This server's clock, a first estimate for lock countdowns until the API sends its own. */
  serverTime: string;
  /** Whether the API takes self-registration (set `REGISTRATION` to the API's value). */
  registration: 'open' | 'closed';
}

export const DEFAULT_API_URL = 'http://localhost:4000/graphql';

export function readPublicConsoleConfig(env: NodeJS.ProcessEnv = process.env): PublicConsoleConfig {
  const apiUrl = nonEmpty(env.PUBLIC_API_URL) ?? nonEmpty(env.NEXT_PUBLIC_API_URL) ?? DEFAULT_API_URL;
  const registration = nonEmpty(env.REGISTRATION) === 'closed' ? 'closed' : 'open';
  return { apiUrl, wsUrl: nonEmpty(env.PUBLIC_WS_URL) ?? null, serverTime: new Date().toISOString(), registration };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value && value.trim() !== '' ? value.trim() : undefined;
}
