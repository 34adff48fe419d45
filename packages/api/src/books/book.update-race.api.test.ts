import { describe, expect, it } from 'vitest';
import { errorCode, graphqlRequest, type GraphQLResponse, useApiTest } from '../../testing/index.ts';

// Concurrent updateBook calls over the real API: each round fires two updates of one fresh book
// at once and checks the answers and the final row against the two serial orders. A lost update
// (one change silently overwritten) or two successes where one order must refuse fail the test.

const ROUNDS = 20;

const t = useApiTest({ users: [] });

const FIELDS = 'id name discountType discountValue validFrom validUntil maxAssignmentsPerUser';
type BookRow = {
  id: string;
  name: string;
  discountType: string;
  discountValue: number;
  validFrom: string | null;
  validUntil: string | null;
  maxAssignmentsPerUser: number | null;
};

async function createBook(input: Record<string, unknown>): Promise<BookRow> {
  const res = await graphqlRequest<{ createBook: BookRow }>(
    t.server,
    `mutation($input: CreateBookInput!) { createBook(input: $input) { ${FIELDS} } }`,
    { input },
    t.admin.token,
  );
  if (!res.data) throw new Error(JSON.stringify(res.errors));
  return res.data.createBook;
}

const updateBook = (id: string, input: Record<string, unknown>) =>
  graphqlRequest<{ updateBook: BookRow }>(
    t.server,
    `mutation($id: ID!, $input: UpdateBookInput!) { updateBook(id: $id, input: $input) { ${FIELDS} } }`,
    { id, input },
    t.admin.token,
  );

async function readBook(id: string): Promise<BookRow> {
  const res = await graphqlRequest<{ book: BookRow }>(t.server, `query($id: ID!) { book(id: $id) { ${FIELDS} } }`, { id }, t.admin.token);
  return res.data!.book;
}

/** Fires both updates at once (same tick, two HTTP requests). */
const race = (id: string, a: Record<string, unknown>, b: Record<string, unknown>) =>
  Promise.all([updateBook(id, a), updateBook(id, b)]);

const outcome = (res: GraphQLResponse) => (res.errors ? (errorCode(res) ?? 'ERROR') : 'ok');

describe('updateBook under concurrency', () => {
  it(`two updates of different fields both land (${ROUNDS} rounds)`, async () => {
    const lost: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const book = await createBook({ name: `Race ${round}`, discountType: 'PERCENTAGE', discountValue: 10 });
      const name = `Renamed ${round}`;
      const [renamed, limited] = await race(book.id, { name }, { maxAssignmentsPerUser: 1 });
      expect([outcome(renamed), outcome(limited)]).toEqual(['ok', 'ok']);
      const final = await readBook(book.id);
      if (final.name !== name || final.maxAssignmentsPerUser !== 1) {
        lost.push(`round ${round}: name=${final.name} maxAssignmentsPerUser=${final.maxAssignmentsPerUser}`);
      }
      // Each answer shows its own change; the later of the two also shows the other's.
      expect(renamed.data!.updateBook.name).toBe(name);
      expect(limited.data!.updateBook.maxAssignmentsPerUser).toBe(1);
    }
    expect(lost, `${lost.length} of ${ROUNDS} rounds lost an update`).toEqual([]);
  });

  it(`a cross-field rule (validFrom < validUntil) is checked against the latest row (${ROUNDS} rounds)`, async () => {
    // Each change is valid against the original window, but not together: run serially, the
    // second is refused (BAD_USER_INPUT on validUntil) whichever goes first.
    const from = '2030-01-01T00:00:00.000Z';
    const until = '2040-01-01T00:00:00.000Z';
    const laterFrom = '2036-01-01T00:00:00.000Z';
    const earlierUntil = '2033-01-01T00:00:00.000Z';
    const unexplained: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const book = await createBook({ name: `Window ${round}`, discountType: 'PERCENTAGE', discountValue: 10, validFrom: from, validUntil: until });
      const [a, b] = await race(book.id, { validFrom: laterFrom }, { validUntil: earlierUntil });
      const answers = [outcome(a), outcome(b)].join('+');
      const final = await readBook(book.id);
      const window = `${final.validFrom}..${final.validUntil}`;
      const fromFirst = answers === 'ok+BAD_USER_INPUT' && window === `${laterFrom}..${until}`;
      const untilFirst = answers === 'BAD_USER_INPUT+ok' && window === `${from}..${earlierUntil}`;
      if (!fromFirst && !untilFirst) unexplained.push(`round ${round}: ${answers}, final ${window}`);
      for (const refused of [a, b].filter((r) => r.errors)) {
        expect(refused.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'validUntil' });
      }
    }
    expect(unexplained, `${unexplained.length} of ${ROUNDS} rounds match no serial order`).toEqual([]);
  });

  it(`discountType and discountValue changed at once: a percentage never exceeds 100 (${ROUNDS} rounds)`, async () => {
    // FIXED_AMOUNT 50 → PERCENTAGE is valid; 50 → 500 is valid; PERCENTAGE 500 is not. Serially
    // the second is BAD_USER_INPUT on discountValue; the CHECK constraint must never be what answers.
    const unexplained: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const book = await createBook({ name: `Discount ${round}`, discountType: 'FIXED_AMOUNT', discountValue: 50, currency: 'EUR' });
      const [a, b] = await race(book.id, { discountType: 'PERCENTAGE' }, { discountValue: 500 });
      const answers = [outcome(a), outcome(b)].join('+');
      const final = await readBook(book.id);
      const row = `${final.discountType} ${final.discountValue}`;
      const typeFirst = answers === 'ok+BAD_USER_INPUT' && row === 'PERCENTAGE 50';
      const valueFirst = answers === 'BAD_USER_INPUT+ok' && row === 'FIXED_AMOUNT 500';
      if (!typeFirst && !valueFirst) unexplained.push(`round ${round}: ${answers}, final ${row}`);
      for (const refused of [a, b].filter((r) => r.errors)) {
        expect(refused.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'discountValue' });
      }
    }
    expect(unexplained, `${unexplained.length} of ${ROUNDS} rounds match no serial order`).toEqual([]);
  });

  it('an update of an unknown book is NOT_FOUND; a malformed id is BAD_USER_INPUT', async () => {
    expect(errorCode(await updateBook('00000000-0000-4000-8000-000000000000', { name: 'x' }))).toBe('NOT_FOUND');
    expect(errorCode(await updateBook('not-a-uuid', { name: 'x' }))).toBe('BAD_USER_INPUT');
  });
});
