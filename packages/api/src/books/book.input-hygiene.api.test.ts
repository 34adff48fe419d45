import { describe, expect, it } from 'vitest';
import { graphqlRequest, useApiTest } from '../../testing/index.ts';

// Issue 14: names that display as something else (bidi overrides) or split lines (CR/LF) are
// refused at the API with BAD_USER_INPUT naming the field, and nothing is written.

const t = useApiTest({ users: [] });

const CREATE_BOOK = 'mutation ($input: CreateBookInput!) { createBook(input: $input) { id name } }';
const CREATE_POOL = 'mutation ($name: String!, $description: String) { createPool(name: $name, description: $description) { id } }';

const refusal = (res: { errors?: ReadonlyArray<{ extensions?: Record<string, unknown> }> }) => ({
  code: res.errors?.[0]?.extensions?.code,
  field: res.errors?.[0]?.extensions?.field,
});

describe('input hygiene over HTTP', () => {
  it('createBook refuses control and format characters in the name and keeps nothing', async () => {
    const spoof = 'ok\u202Eevil\r\n=cmd';
    const res = await graphqlRequest(t.server, CREATE_BOOK, { input: { name: spoof, discountType: 'PERCENTAGE', discountValue: 10 } }, t.admin.token);
    expect(refusal(res)).toEqual({ code: 'BAD_USER_INPUT', field: 'name' });
    const listed = await graphqlRequest<{ books: { totalCount: number } }>(t.server, '{ books(search: "evil") { totalCount } }', {}, t.admin.token);
    expect(listed.data?.books.totalCount).toBe(0);
  });

  it('descriptions may span lines but not hide text; pool names are checked the same way', async () => {
    const ok = await graphqlRequest(t.server, CREATE_BOOK, {
      input: { name: 'Spring', description: 'Line one\nLine two', discountType: 'PERCENTAGE', discountValue: 5 },
    }, t.admin.token);
    expect(ok.errors).toBeUndefined();
    const hidden = await graphqlRequest(t.server, CREATE_BOOK, {
      input: { name: 'Spring 2', description: 'see \u2066hidden\u2069', discountType: 'PERCENTAGE', discountValue: 5 },
    }, t.admin.token);
    expect(refusal(hidden)).toEqual({ code: 'BAD_USER_INPUT', field: 'description' });
    expect(refusal(await graphqlRequest(t.server, CREATE_POOL, { name: 'VIP\u200F' }, t.admin.token))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'name',
    });
  });
});
