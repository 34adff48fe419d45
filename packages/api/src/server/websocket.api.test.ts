import { describe, expect, it } from 'vitest';
import { connectGraphQLWs, signUp, useTestServer, wsRequest } from '../../testing/index.ts';

const t = useTestServer();

describe('graphql-ws on /graphql', () => {
  it('runs operations with the caller from connection_init', async () => {
    const { token, user } = await signUp(t.server);
    const client = connectGraphQLWs(t.server, token);
    try {
      expect(await wsRequest(client, '{ me { id } }')).toEqual({ data: { me: { id: user.id } } });
    } finally {
      await client.dispose();
    }
  });

  it('maps errors like HTTP does: FORBIDDEN, BAD_USER_INPUT', async () => {
    const { token } = await signUp(t.server);
    const user = connectGraphQLWs(t.server, token);
    try {
      const users = await wsRequest(user, '{ users { totalCount } }');
      expect(users.errors?.[0]).toMatchObject({ message: 'This requires the ADMIN role', extensions: { code: 'FORBIDDEN' } });
      const invalid = await wsRequest(user, '{ me { nope } }');
      expect(invalid.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
      const syntax = await wsRequest(user, '{ me { ');
      expect(syntax.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    } finally {
      await user.dispose();
    }
  });

  it('applies the depth, alias and cost limits', async () => {
    const { token } = await signUp(t.server, 'ADMIN');
    const client = connectGraphQLWs(t.server, token);
    try {
      let deep = 'id';
      for (let i = 0; i < 11; i++) deep = `best { ${deep} }`;
      const depth = await wsRequest(client, `{ me { ${deep} } }`);
      expect(depth.errors?.map((e) => e.message)).toContain('Query is too deep: depth 13 exceeds the limit of 10');
      const aliases = await wsRequest(client, `{ ${Array.from({ length: 31 }, (_, i) => `a${i}: me { id }`).join(' ')} }`);
      expect(aliases.errors?.[0].message).toMatch(/Too many aliases/);
      const pages = Array.from({ length: 20 }, (_, i) => `p${i}: users(first: 100) { edges { node { id email role createdAt } } }`);
      const cost = await wsRequest(client, `{ ${pages.join(' ')} }`);
      expect(cost.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
      expect(cost.errors?.[0].message).toMatch(/too expensive/);
    } finally {
      await client.dispose();
    }
  });

  it('closes the socket on a bad token in connection_init (4403)', async () => {
    const client = connectGraphQLWs(t.server, 'not.a.token');
    try {
      await expect(wsRequest(client, '{ me { id } }')).rejects.toMatchObject({ code: 4403 });
    } finally {
      await client.dispose();
    }
  });
});
