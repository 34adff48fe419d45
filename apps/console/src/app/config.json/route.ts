import { readPublicConsoleConfig } from '@/lib/config/server-config';

// Read at request time, never baked into the build: one build serves any API address.
export const dynamic = 'force-dynamic';

/** The browser's view of where the API lives (see apps/console/README.md). */
export function GET() {
  return Response.json(readPublicConsoleConfig(), { headers: { 'cache-control': 'no-store' } });
}
