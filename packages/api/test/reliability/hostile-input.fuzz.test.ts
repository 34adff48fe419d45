import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { call, postJson } from '../../testing/index.ts';
import { expectInvariants } from './book.snapshot.ts';
import { propertyParameters } from './fast-check.settings.ts';
import { checkAnswer, fuzzEveryRootField, rootFields, useFuzzTarget } from './hostile-input.fuzz.ts';
import { hostileCsv } from './hostile.arbitraries.ts';

// Hostile input over every argument of every root Query and Mutation field, generated from the
// schema itself (a new field or argument is fuzzed without touching this file): the answer is
// always a GraphQL response whose error codes are contract codes — never INTERNAL_SERVER_ERROR,
// never a 5xx — the server keeps serving, and the invariants hold afterwards. The soak runs
// ten times as many values per field.

const RUNS_PER_FIELD = 40;

const target = useFuzzTarget();

describe('hostile input never gets anything but a contract error code', async () => {
  const fields = await rootFields();

  fuzzEveryRootField(target, fields, { label: 'fuzz', runs: RUNS_PER_FIELD, timeoutMs: 60_000 });

  it('arguments written inline (the parser, not variables) get contract codes too', async () => {
    const property = fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 60 }), fc.constantFrom(...fields), async (text, { kind, field }) => {
      const arg = field.args[0];
      if (!arg) return;
      const query = `${kind} { ${field.name}(${arg.name}: ${JSON.stringify(text)}) { __typename } }`;
      const res = await postJson(target.server.url, JSON.stringify({ query }), { authorization: `Bearer ${target.admin.token}` });
      checkAnswer(res.status, res.text, `inline ${field.name}(${arg.name})`);
    });
    await fc.assert(property, propertyParameters('fuzz inline literals', 100));
  });

  it('malformed CSV uploads get a per-line report or BAD_USER_INPUT', async () => {
    const scratch = target.real['Mutation.uploadCodes'].bookId[0];
    const property = fc.asyncProperty(hostileCsv(), async (csv) => {
      const res = await postJson(
        target.server.url,
        JSON.stringify({ query: 'mutation ($b: ID!, $csv: String) { uploadCodes(bookId: $b, csv: $csv) { inserted invalidCount duplicateCount } }', variables: { b: scratch, csv } }),
        { authorization: `Bearer ${target.admin.token}` },
      );
      checkAnswer(res.status, res.text, 'uploadCodes(csv)');
    });
    await fc.assert(property, propertyParameters('fuzz CSV uploads', 40));
  }, 120_000);

  it('a 50 MB upload is refused up front (413, BAD_USER_INPUT); a 15 MB one is answered', async () => {
    const scratch = target.real['Mutation.uploadCodes'].bookId[0];
    const query = 'mutation ($b: ID!, $csv: String) { uploadCodes(bookId: $b, csv: $csv) { inserted invalidCount } }';
    const huge = 'NOT A CODE!\n'.repeat(Math.ceil((50 * 1024 * 1024) / 12));
    const refused = await postJson(target.server.url, JSON.stringify({ query, variables: { b: scratch, csv: huge } }), { authorization: `Bearer ${target.admin.token}` });
    expect(refused.status).toBe(413);
    checkAnswer(refused.status, refused.text, '50 MB upload');
    expect(JSON.parse(refused.text).errors[0].extensions.code).toBe('BAD_USER_INPUT');
    const large = '"unclosed,\n'.repeat(Math.ceil((15 * 1024 * 1024) / 11));
    const answered = await postJson(target.server.url, JSON.stringify({ query, variables: { b: scratch, csv: large } }), { authorization: `Bearer ${target.admin.token}` });
    checkAnswer(answered.status, answered.text, '15 MB malformed upload');
  }, 120_000);

  it('the server is still up and right afterwards', async () => {
    const { server, user } = target;
    expect((await fetch(`${server.baseUrl}/healthz`)).status).toBe(200);
    expect((await fetch(`${server.baseUrl}/readyz`)).status).toBe(200);
    const me = await call<{ id: string }>(server, '{ me { id } }', {}, user.token);
    expect(me).toEqual({ ok: true, data: { id: user.id } });
    await expectInvariants(server.db, 'after fuzzing');
  });
});
