import { describe, expect, it } from 'vitest';
import { useTestServer } from '../../testing/index.ts';

// A path or method the API does not serve answers in the API's JSON error shape, with a contract
// code, not Express's HTML page.

const t = useTestServer();

describe('an unknown path or method', () => {
  it.each([
    ['GET', '/nothing-here'],
    ['POST', '/export/books/00000000-0000-4000-8000-000000000000/codes.csv'],
    ['DELETE', '/readyz'],
  ])('%s %s is 404 NOT_FOUND as JSON', async (method, path) => {
    const response = await fetch(`${t.server.baseUrl}${path}`, { method });
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await response.json()) as { errors: Array<{ message: string; extensions: { code: string } }> };
    expect(body.errors[0]).toMatchObject({ message: `Nothing here: ${method} ${path}`, extensions: { code: 'NOT_FOUND' } });
  });
});
