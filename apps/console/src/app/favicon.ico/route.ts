import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** `/favicon.ico` (asked for by browsers and crawlers without reading the page's `<link rel="icon">`): the same SVG as `app/icon.svg`. */
export const dynamic = 'force-static';

export async function GET(): Promise<Response> {
  const svg = await readFile(join(process.cwd(), 'src/app/icon.svg'));
  return new Response(svg, {
    headers: { 'content-type': 'image/svg+xml', 'cache-control': 'public, max-age=86400' },
  });
}
