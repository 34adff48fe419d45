import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, checkoutAs, createCampaign, createPool, useApiTest } from '../../testing/index.ts';

// Tampered cursors: well-formed JSON holding values at the edges of what each keyset column takes
// (times past PostgreSQL's range or before year 1, ids past bigint, NUL, lone surrogates), sent
// deterministically to every connection, the nested ones too (Book.coupons, Pool.members,
// Coupon.events), which the hostile-input fuzz of root fields does not reach. Each list answers,
// or says BAD_USER_INPUT: never INTERNAL_SERVER_ERROR from a value the database refused.
const t = useApiTest({ users: ['alice'], accounts: 'inserted' });
const cur = (v: unknown[]) => Buffer.from(JSON.stringify(v)).toString('base64url');

let bookId: string;
let poolId: string;
let code: string;
beforeAll(async () => {
  const c = await createCampaign(t.server, t.admin, 5);
  bookId = c.bookId;
  poolId = await createPool(t.server, t.admin, [t.alice]);
  code = (await checkoutAs(t.server, t.alice, bookId, 'redeem')).code;
});

const LISTS: Record<string, { q: string; vars: () => Record<string, unknown> }> = {
  books: { q: 'query($a:String){books(first:2,after:$a){totalCount edges{cursor}}}', vars: () => ({}) },
  pools: { q: 'query($a:String){pools(first:2,after:$a){totalCount edges{cursor}}}', vars: () => ({}) },
  users: { q: 'query($a:String){users(first:2,after:$a){totalCount edges{cursor}}}', vars: () => ({}) },
  redemptions: { q: 'query($a:String){redemptions(first:2,after:$a){totalCount edges{cursor}}}', vars: () => ({}) },
  redemptionsByBook: { q: 'query($a:String,$b:ID){redemptions(bookId:$b,first:2,after:$a){totalCount edges{cursor}}}', vars: () => ({ b: bookId }) },
  coupons: { q: 'query($a:String){coupons(first:2,after:$a){totalCount edges{cursor}}}', vars: () => ({}) },
  couponsByBook: { q: 'query($a:String,$b:ID){coupons(bookId:$b,first:2,after:$a){totalCount edges{cursor}}}', vars: () => ({ b: bookId }) },
  bookCoupons: { q: 'query($a:String,$b:ID!){book(id:$b){coupons(first:2,after:$a){totalCount edges{cursor}}}}', vars: () => ({ b: bookId }) },
  poolMembers: { q: 'query($a:String,$p:ID!){pool(id:$p){members(first:2,after:$a){totalCount edges{cursor}}}}', vars: () => ({ p: poolId }) },
  couponEvents: { q: 'query($a:String,$c:String!){coupon(code:$c){events(first:2,after:$a){totalCount edges{cursor}}}}', vars: () => ({ c: code }) },
  auditLog: { q: 'query($a:String){auditLog(first:2,after:$a){totalCount edges{cursor}}}', vars: () => ({}) },
  apiKeys: { q: 'query($a:String){apiKeysConnection(first:2,after:$a){totalCount edges{cursor}}}', vars: () => ({}) },
  webhookEndpoints: { q: 'query($a:String){webhookEndpoints(first:2,after:$a){totalCount edges{cursor}}}', vars: () => ({}) },
  webhookDeliveries: { q: 'query($a:String){webhookDeliveries(first:2,after:$a){totalCount edges{cursor}}}', vars: () => ({}) },
};

const HOSTILE: Record<string, string> = {
  farFutureTime: cur(['+275760-09-13T00:00:00.000Z', randomUUID()]),
  year10000: cur(['+010000-01-01T00:00:00.000Z', randomUUID()]),
  bcTime: cur(['-000001-01-01T00:00:00.000Z', randomUUID()]),
  farFutureTimeBigint: cur(['+275760-09-13T00:00:00.000Z', '5']),
  year10000Bigint: cur(['+010000-01-01T00:00:00.000Z', '5']),
  bigintOverflow: cur(['9999999999999999999']),
  zero: cur(['0']),
  nulKey: cur([0, 'a\u0000b']),
  nulKey2: cur(['a\u0000b']),
  loneSurrogate: cur([0, '\ud800']),
  customerPart: cur([1, '\u0000']),
  negZero: cur([-0, 'a']),
};

describe('tampered cursors', () => {
  for (const [list, { q, vars }] of Object.entries(LISTS)) {
    for (const [name, after] of Object.entries(HOSTILE)) {
      it(`${list} with ${name}`, async () => {
        const out = await call(t.server, q, { ...vars(), a: after }, t.admin.token);
        if (!out.ok) expect(out.code, out.message).toBe('BAD_USER_INPUT');
      });
    }
  }
});
