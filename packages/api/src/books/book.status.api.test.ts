import { describe, expect, it } from 'vitest';
import {
  call,
  createCampaign,
  errorCode,
  graphqlRequest,
  OPS,
  useApiTest,
} from '../../testing/index.ts';
import { expectInvariants } from '../../test/reliability/book.snapshot.ts';

// Campaign control over HTTP: pause, resume, archive and delete a book, and which settings
// updateBook may change once coupons are out. A paused or archived book refuses claims, locks
// and redemptions with BOOK_NOT_ACTIVE and says why in extensions.reason.

const STATUS = (name: string) => `mutation ($id: ID!) { ${name}(id: $id) { id status statusChangedAt isActive } }`;
const DELETE = 'mutation ($id: ID!) { deleteBook(id: $id) }';
const UPDATE = 'mutation ($id: ID!, $i: UpdateBookInput!) { updateBook(id: $id, input: $i) { id discountValue name } }';

const t = useApiTest();

async function setStatus(name: 'pauseBook' | 'resumeBook' | 'archiveBook', id: string) {
  const res = await graphqlRequest(t.server, STATUS(name), { id }, t.admin.token);
  if (res.errors) return { code: errorCode(res) };
  return res.data?.[name];
}

describe('pause, resume, archive', () => {
  it('a paused book refuses claims, locks and redemptions with BOOK_NOT_ACTIVE (reason PAUSED) until resumed', async () => {
    const book = await createCampaign(t.server, t.admin, 4);
    const held = await call(t.server, OPS.assignCode, { code: book.codes[0] }, t.user.token);
    const locked = await call(t.server, OPS.assignCode, { code: book.codes[1] }, t.user.token);
    expect(held.ok && locked.ok).toBe(true);
    expect((await call(t.server, OPS.lock, { code: book.codes[1] }, t.user.token)).ok).toBe(true);

    expect(await setStatus('pauseBook', book.bookId)).toMatchObject({ status: 'PAUSED', isActive: false, statusChangedAt: expect.any(String) });
    for (const [op, variables] of [
      [OPS.assignRandom, { bookId: book.bookId }],
      [OPS.assignCode, { code: book.codes[2] }],
      [OPS.lock, { code: book.codes[0] }],
      [OPS.redeem, { code: book.codes[1] }],
    ] as const) {
      const res = await graphqlRequest(t.server, op, variables, t.user.token);
      expect(res.errors?.[0].extensions).toMatchObject({ code: 'BOOK_NOT_ACTIVE', reason: 'PAUSED' });
    }
    // Pausing twice changes nothing.
    expect(await setStatus('pauseBook', book.bookId)).toMatchObject({ status: 'PAUSED' });

    expect(await setStatus('resumeBook', book.bookId)).toMatchObject({ status: 'ACTIVE', isActive: true });
    expect((await call(t.server, OPS.redeem, { code: book.codes[1] }, t.user.token)).ok).toBe(true);
    expect((await call(t.server, OPS.assignRandom, { bookId: book.bookId }, t.user.token)).ok).toBe(true);
    await expectInvariants(t.server.db);
  });

  it('an archived book refuses with reason ARCHIVED, leaves the default lists, and cannot be paused', async () => {
    const book = await createCampaign(t.server, t.admin, 2);
    expect(await setStatus('archiveBook', book.bookId)).toMatchObject({ status: 'ARCHIVED' });
    const res = await graphqlRequest(t.server, OPS.assignRandom, { bookId: book.bookId }, t.user.token);
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BOOK_NOT_ACTIVE', reason: 'ARCHIVED' });
    expect(await setStatus('pauseBook', book.bookId)).toEqual({ code: 'INVALID_STATE' });

    const ids = async (variables: Record<string, unknown>): Promise<string[]> => {
      const res = await graphqlRequest(t.server, 'query ($s: BookStatus) { books(first: 100, status: $s) { edges { node { id } } } }', variables, t.admin.token);
      return (res.data?.books.edges ?? []).map((e: { node: { id: string } }) => e.node.id);
    };
    expect(await ids({})).not.toContain(book.bookId);
    expect(await ids({ s: 'ARCHIVED' })).toContain(book.bookId);
    // It can still be read by id, and brought back.
    expect((await graphqlRequest(t.server, 'query ($id: ID!) { book(id: $id) { status } }', { id: book.bookId }, t.admin.token)).data?.book).toEqual({
      status: 'ARCHIVED',
    });
    expect(await setStatus('resumeBook', book.bookId)).toMatchObject({ status: 'ACTIVE' });
  });

  it('claims racing a pause answer as if each ran wholly before or after it', async () => {
    const book = await createCampaign(t.server, t.admin, 40);
    const claims = Array.from({ length: 30 }, () => call(t.server, OPS.assignRandom, { bookId: book.bookId }, t.user.token));
    const pause = setStatus('pauseBook', book.bookId);
    const outcomes = await Promise.all(claims);
    await pause;
    for (const outcome of outcomes) expect(outcome.ok || outcome.code === 'BOOK_NOT_ACTIVE', JSON.stringify(outcome)).toBe(true);
    const succeeded = outcomes.filter((o) => o.ok).length;
    const { rows } = await t.server.db.pool.query(`SELECT count(*)::int AS n FROM coupon WHERE book_id = $1 AND state = 'ASSIGNED'`, [book.bookId]);
    expect(rows[0].n).toBe(succeeded);
    // Nothing was assigned after the pause committed.
    const after = await t.server.db.pool.query(
      `SELECT count(*)::int AS n FROM coupon c JOIN book b ON b.id = c.book_id WHERE c.book_id = $1 AND c.assigned_at > b.status_changed_at`,
      [book.bookId],
    );
    expect(after.rows[0].n).toBe(0);
    await expectInvariants(t.server.db);
  });

  it('only admins change a status; an unknown book is NOT_FOUND', async () => {
    const book = await createCampaign(t.server, t.admin, 1);
    expect(errorCode(await graphqlRequest(t.server, STATUS('pauseBook'), { id: book.bookId }, t.user.token))).toBe('FORBIDDEN');
    expect(await setStatus('pauseBook', '00000000-0000-4000-8000-000000000000')).toEqual({ code: 'NOT_FOUND' });
  });
});

describe('deleteBook', () => {
  it('deletes a book whose coupons were never given out, with its codes', async () => {
    const book = await createCampaign(t.server, t.admin, 3);
    expect((await graphqlRequest(t.server, DELETE, { id: book.bookId }, t.admin.token)).data?.deleteBook).toBe(true);
    const { rows } = await t.server.db.pool.query('SELECT count(*)::int AS n FROM coupon WHERE book_id = $1', [book.bookId]);
    expect(rows[0].n).toBe(0);
    expect(errorCode(await graphqlRequest(t.server, DELETE, { id: book.bookId }, t.admin.token))).toBe('NOT_FOUND');
  });

  it('refuses a book one of whose coupons was ever assigned, even if it is back in the book', async () => {
    const book = await createCampaign(t.server, t.admin, 2);
    expect((await call(t.server, OPS.assignCode, { code: book.codes[0] }, t.user.token)).ok).toBe(true);
    const res = await graphqlRequest(t.server, DELETE, { id: book.bookId }, t.admin.token);
    expect(errorCode(res)).toBe('INVALID_STATE');
    expect(res.errors?.[0].message).toMatch(/archive it instead/);
  });

  it('racing claims: either the book is gone and no claim succeeded, or it stays with every successful claim', async () => {
    for (let round = 0; round < 8; round++) {
      const book = await createCampaign(t.server, t.admin, 10);
      const [deleted, ...claims] = await Promise.all([
        graphqlRequest(t.server, DELETE, { id: book.bookId }, t.admin.token),
        ...Array.from({ length: 5 }, () => call(t.server, OPS.assignRandom, { bookId: book.bookId }, t.user.token)),
      ]);
      const claimed = claims.filter((c) => c.ok).length;
      // As one after the other: the book has codes for every claim, so a claim gets one, or finds
      // the book gone (never SOLD_OUT while the delete holds the codes).
      for (const c of claims) expect(c.ok || c.code === 'NOT_FOUND', JSON.stringify(c)).toBe(true);
      if (deleted.data?.deleteBook === true) expect(claimed).toBe(0);
      else {
        expect(errorCode(deleted)).toBe('INVALID_STATE');
        expect(claimed).toBe(claims.length);
      }
    }
    await expectInvariants(t.server.db);
  });
});

describe('updateBook once coupons are out', () => {
  it('changes names, texts, window and limits at any time, but not the discount terms', async () => {
    const book = await createCampaign(t.server, t.admin, 2);
    expect((await graphqlRequest(t.server, UPDATE, { id: book.bookId, i: { discountValue: 20 } }, t.admin.token)).data?.updateBook.discountValue).toBe(20);
    expect((await call(t.server, OPS.assignCode, { code: book.codes[0] }, t.user.token)).ok).toBe(true);

    const refused = await graphqlRequest(t.server, UPDATE, { id: book.bookId, i: { discountValue: 25 } }, t.admin.token);
    expect(errorCode(refused)).toBe('BAD_USER_INPUT');
    expect(refused.errors?.[0].extensions?.field).toBe('discountValue');
    expect(refused.errors?.[0].message).toMatch(/create a new book/);
    // The same value is no change; other settings still change.
    expect((await graphqlRequest(t.server, UPDATE, { id: book.bookId, i: { discountValue: 20, name: 'Renamed' } }, t.admin.token)).data?.updateBook).toMatchObject({
      name: 'Renamed',
    });
  });

  it('records book changes in the audit log', async () => {
    const book = await createCampaign(t.server, t.admin, 1);
    await graphqlRequest(t.server, UPDATE, { id: book.bookId, i: { name: 'Audited' } }, t.admin.token);
    await setStatus('pauseBook', book.bookId);
    const res = await graphqlRequest(
      t.server,
      'query ($id: String!) { auditLog(filter: { targetType: BOOK, targetId: $id }) { edges { node { action changes } } } }',
      { id: book.bookId },
      t.admin.token,
    );
    const actions = res.data?.auditLog.edges.map((e: { node: { action: string } }) => e.node.action);
    // CODE_JOB_STARTED: the campaign's code was uploaded by the admin.
    expect(actions).toEqual(['BOOK_PAUSED', 'BOOK_UPDATED', 'CODE_JOB_STARTED', 'BOOK_CREATED']);
    expect(res.data?.auditLog.edges[1].node.changes.name.to).toBe('Audited');
  });
});
