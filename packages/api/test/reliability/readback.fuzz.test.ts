import fc from 'fast-check';
import { Prisma } from '@coupons/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCampaign, record, type Recorded, startWebhookReceiver, uniqueCodes, useApiTest, type WebhookReceiver } from '../../testing/index.ts';
import { expectInvariants } from './book.snapshot.ts';
import { propertyParameters } from './fast-check.settings.ts';
import {
  type Answer,
  canonical,
  Checked,
  csvText,
  eventually,
  hostileAmount,
  hostileCodes,
  hostileCurrency,
  hostileDate,
  hostileEmail,
  hostileFloat,
  hostileInt,
  hostileKey,
  hostileMetadata,
  hostilePattern,
  hostileText,
  sentValue,
  show,
  socketEventOf,
  storedAmount,
  storedCode,
  storedDate,
  storedText,
  tagged,
  webhookOf,
  wellFormed,
} from './readback.fuzz.ts';

// The read-back fuzz. Past bugs were values a mutation ACCEPTED and stored that broke a LATER read
// (a year-0000 date, a `__proto__` metadata key dropped, a lock ending in year 10000), which the
// hostile-input fuzz, checking only each call's own answer, cannot see. Each run here stores
// hostile-but-possibly-valid values through every mutation that keeps text, numbers, dates or
// JSON — a book (created and updated), codes (uploaded, generated, updateCoupon), a shop customer,
// a redemption (order, metadata, idempotency key), a reversal, a void/unassign/unlock reason, a
// pool, an API key, a webhook endpoint, an account's email — and after each accepted one reads it
// back through every read that shows it: the GraphQL queries (one object, lists, nested fields,
// search filters by the value), the CSV exports (and their filters by the value), the audit log,
// the webhook bodies (received, and as webhookDeliveries shows them) and the graphql-ws events.
// Every read answers (never INTERNAL_SERVER_ERROR, a 5xx, a stack or SQL), and shows the value
// as stored: equal to what was sent, or its documented normalisation (trimmed text, upper-cased
// currency and codes, amounts in the currency's minor units, instants, JSON as JSON). A refused
// mutation answers a contract code and changes nothing (the object as before, no audit entry).

const RUNS = 40;

const t = useApiTest({
  users: ['shopper', 'other'],
  accounts: 'inserted',
  env: { WEBHOOK_RETRY_BASE_MS: '50', WEBHOOK_POLL_INTERVAL_MS: '50', WEBHOOK_TIMEOUT_MS: '2000', REGISTER_GLOBAL_RATE_LIMIT: '100000' },
});

const BOOK = `id name description discountType discountValue currency minOrderAmount maxTotalDiscountAmount maxTotalRedemptions
  maxAssignmentsPerUser maxRedemptionsPerUser lockTtlSeconds allowMultipleRedemptions validFrom validUntil metadata status isActive`;
const COUPON = 'code state expiresAt maxRedemptions metadata assignedUserId';
const REDEMPTION = 'id orderId orderAmount discountAmount currency metadata idempotencyKey reversedAt reversalReason';
const SOCKET_EVENT = `id type reason coupon { code expiresAt maxRedemptions metadata user { id externalId email } } redemption { ${REDEMPTION} }`;
const ALL_EVENTS = ['ASSIGNED', 'CREATED_BULK', 'LOCKED', 'LOCK_EXPIRED', 'REDEEMED', 'REVERSED', 'UNASSIGNED', 'UNLOCKED', 'UPDATED', 'VOIDED'];

let api: Checked;
let receiver: WebhookReceiver;
let endpointId: string;
let quietBookId: string;
let couponEvents: Recorded<any>;
let redemptionEvents: Recorded<any>;
let run = 0;
/** Accepted and refused answers per mutation, printed at the end (a step always refused tests no read). */
const tally = new Map<string, { accepted: number; refused: Record<string, number> }>();
function note(step: string, answer: Answer) {
  const entry = tally.get(step) ?? { accepted: 0, refused: {} };
  if (answer.ok) entry.accepted += 1;
  else {
    const why = `${answer.code} ${answer.errors[0].extensions?.field ?? ''}`.trim();
    entry.refused[why] = (entry.refused[why] ?? 0) + 1;
    if (process.env.READBACK_VERBOSE) console.info(`[read-back fuzz] ${step} refused: ${answer.errors[0].message.slice(0, 200)}`);
  }
  tally.set(step, entry);
}

beforeAll(async () => {
  api = new Checked(t.server, t.admin.token);
  receiver = await startWebhookReceiver();
  const endpoint = await api.read('endpoint', `mutation ($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) { endpoint { id } } }`, {
    i: { url: receiver.url, events: ALL_EVENTS },
  });
  endpointId = endpoint.createWebhookEndpoint.endpoint.id;
  // The fuzzed endpoints listen to this book only, which never has an event: nothing is sent to their URLs.
  quietBookId = (await createCampaign(t.server, t.admin, 0)).bookId;
  const socket = t.socket(t.admin);
  couponEvents = record(socket, `subscription { couponEvents { ${SOCKET_EVENT} } }`);
  redemptionEvents = record(socket, `subscription { redemptionEvents { ${REDEMPTION} } }`);
  // The subscriptions are live once an event made now arrives.
  const probe = await createCampaign(t.server, t.admin, 20);
  for (const code of probe.codes) {
    await api.read('probe', `mutation ($c: String!) { voidCoupon(code: $c, reason: "probe") { code } }`, { c: code });
    await new Promise((resolve) => setTimeout(resolve, 100));
    if (couponEvents.values.length > 0) break;
  }
  expect(couponEvents.values.length, 'the couponEvents subscription is live').toBeGreaterThan(0);
});
afterAll(() => receiver?.close());

// ---------------------------------------------------------------- what one run stores

const option = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 3 });
/** An input object of `fields`, with at most `max` of them (shrinks to fewer). */
const someOf = (fields: Record<string, fc.Arbitrary<unknown>>, max: number) =>
  fc.tuple(fc.record(fields), fc.subarray(Object.keys(fields), { maxLength: max })).map(([all, keys]) => Object.fromEntries(keys.map((k) => [k, all[k]])));

function scenario(now: number) {
  const bookFields = {
    description: hostileText(2000),
    currency: hostileCurrency,
    minOrderAmount: hostileAmount,
    maxTotalDiscountAmount: hostileAmount,
    maxTotalRedemptions: hostileInt,
    maxAssignmentsPerUser: hostileInt,
    maxRedemptionsPerUser: hostileInt,
    lockTtlSeconds: hostileInt,
    allowMultipleRedemptions: fc.boolean(),
    validFrom: hostileDate(now),
    validUntil: hostileDate(now),
    metadata: hostileMetadata(),
  };
  return fc.record({
    book: fc.record({
      name: fc.oneof(fc.constant('Read-back'), hostileText(200)),
      discountType: fc.constantFrom('PERCENTAGE', 'PERCENTAGE', 'FIXED_AMOUNT'),
      discountValue: hostileFloat,
      currency: fc.option(hostileCurrency, { nil: undefined }),
      more: someOf(bookFields, 2),
    }),
    bookUpdate: someOf({ ...bookFields, name: hostileText(200), discountValue: hostileFloat, discountType: fc.constantFrom('PERCENTAGE', 'FIXED_AMOUNT') }, 3),
    codes: hostileCodes('§'),
    codesAsCsv: fc.boolean(),
    pattern: hostilePattern('§'),
    couponUpdate: someOf({ expiresAt: fc.option(hostileDate(now), { nil: null }), maxRedemptions: fc.option(hostileInt, { nil: null }), metadata: fc.option(hostileMetadata(), { nil: null }) }, 3),
    customerId: option(fc.oneof(hostileText(200), fc.constantFrom(' §', '§ ', '§%', '§_'))),
    order: option(fc.record({ id: hostileText(200), amount: hostileAmount, currency: fc.oneof({ weight: 3, arbitrary: fc.constant('BOOK') }, { weight: 1, arbitrary: hostileCurrency }) })),
    redeemMetadata: option(hostileMetadata()),
    key: option(hostileKey),
    reverseReason: hostileText(500),
    control: fc.record({ kind: fc.constantFrom('voidCoupon', 'unassignCoupon', 'forceUnlockCoupon'), reason: fc.option(hostileText(500), { nil: undefined, freq: 5 }) }),
    pool: fc.record({ name: hostileText(200), description: option(hostileText(2000)) }),
    poolUpdate: someOf({ name: hostileText(200), description: fc.option(hostileText(2000), { nil: null }) }, 2),
    apiKeyName: hostileText(100),
    webhook: fc.record({ url: hostileUrl(), description: option(hostileText(500)) }),
    webhookUpdate: someOf({ url: hostileUrl(), description: fc.option(hostileText(500), { nil: null }) }, 2),
    email: option(hostileEmail('§')),
  });
}

function hostileUrl(): fc.Arbitrary<string> {
  return fc.constantFrom(
    'http://localhost:9/hook', 'http://127.0.0.1:9/§', ' http://127.0.0.1:9/pad ', 'HTTP://LOCALHOST:9/UP', 'http://127.0.0.1:9/ä?q=%00&r=\u2028',
    'http://127.0.0.1:9/\uD800', 'http://127.0.0.1:9/\u0000', 'https://例え.テスト/hook', 'http://[::1]:9/', 'javascript:alert(1)', 'ftp://127.0.0.1/x',
    'https://user:pass@localhost:9/', `http://localhost:9/${'a'.repeat(2100)}`, 'http://localhost:9/#frag', 'http://localhost:9/a b', '',
  );
}

type Scenario = ReturnType<typeof scenario> extends fc.Arbitrary<infer S> ? S : never;

// ---------------------------------------------------------------- reads shared by the steps

/** A fuzzed mutation, counted in {@link tally}. */
async function mutate(step: string, what: string, query: string, variables: Record<string, unknown>, token?: string | null) {
  const answer = await api.send(what, query, variables, token === undefined ? t.admin.token : token);
  note(step, answer);
  return answer;
}

const auditTotal = async () => (await api.read('audit total', '{ auditLog(first: 1) { totalCount } }')).auditLog.totalCount as number;

async function auditOf(targetId: string, action: string): Promise<any> {
  const data = await api.read(`audit of ${targetId}`, `query ($t: String, $a: String) { auditLog(first: 5, filter: { targetId: $t, action: $a }) { edges { node { action changes targetType } } } }`, { t: targetId, a: action });
  const node = data.auditLog.edges[0]?.node;
  expect(node, `audit ${action} of ${targetId}`).toBeDefined();
  return node.changes;
}

/** A refused mutation: a contract code, and nothing changed (`snapshot` before and after, the audit log's size). */
async function refusedChangedNothing(what: string, answer: { ok: false; code: string }, snapshot: () => Promise<unknown>, before: unknown, auditBefore: number) {
  expect(answer.code, what).not.toBe('INTERNAL_SERVER_ERROR');
  expect(await snapshot(), `${what} was refused (${answer.code}) but changed the object`).toEqual(before);
  expect(await auditTotal(), `${what} was refused (${answer.code}) but wrote an audit entry`).toBe(auditBefore);
}

const bookSnapshot = async (id: string) => (await api.read('book', `query ($id: ID!) { book(id: $id) { ${BOOK} } }`, { id })).book;
const couponSnapshot = async (code: string) => (await api.read('coupon', `query ($c: String!) { coupon(code: $c) { ${COUPON} } }`, { c: code })).coupon;

/** The book read every way it can be: one, in the list, found by its name, nested under a coupon. */
async function expectBookReads(id: string, expected: any, code?: string) {
  expect(await bookSnapshot(id), 'book(id)').toEqual(expected);
  const list = await api.read('books', `query { books(first: 100, status: ${expected.status}) { edges { node { ${BOOK} } } } }`);
  expect(list.books.edges.find((e: any) => e.node.id === id)?.node, 'books list').toEqual(expected);
  const found = await api.read('books(search)', `query ($s: String) { books(first: 100, search: $s, status: ${expected.status}) { edges { node { id } } } }`, { s: expected.name });
  expect(found.books.edges.map((e: any) => e.node.id), `books(search: ${show(expected.name)})`).toContain(id);
  if (code) {
    const nested = await api.read('coupon.book', `query ($c: String!) { coupon(code: $c) { book { ${BOOK} } } }`, { c: code });
    expect(nested.coupon.book, 'coupon.book').toEqual(expected);
    const busiest = await api.read('busiestBooks', `query { busiestBooks(first: 50, window: 86400) { book { ${BOOK} } } }`);
    expect(busiest.busiestBooks.find((b: any) => b.book.id === id)?.book, 'busiestBooks').toEqual(expected);
  }
  const pinned = await api.read('pinBook', `mutation ($b: ID!) { pinBook(bookId: $b) { ${BOOK} } }`, { b: id });
  expect(pinned.pinBook.find((b: any) => b.id === id), 'pinBook').toEqual(expected);
  const live = await api.read('pinnedBooks', `query { pinnedBooks { ${BOOK} } }`);
  expect(live.pinnedBooks.find((b: any) => b.id === id), 'pinnedBooks').toEqual(expected);
  await api.read('unpinBook', `mutation ($b: ID!) { unpinBook(bookId: $b) { id } }`, { b: id });
}

/** What a book created from `input` reads back as (only the fields the input sets; the answer has the rest). */
function expectedBook(input: Record<string, any>, answer: any) {
  const currency = input.currency === undefined || input.currency === null ? null : String(input.currency).trim().toUpperCase();
  const expected: Record<string, unknown> = { ...answer, name: storedText(input.name), discountType: input.discountType, discountValue: input.discountValue };
  if ('description' in input) expected.description = storedText(input.description);
  if ('currency' in input) expected.currency = currency;
  for (const f of ['minOrderAmount', 'maxTotalDiscountAmount']) if (f in input) expected[f] = input[f] === null ? null : storedAmount(input[f], currency as string);
  for (const f of ['maxTotalRedemptions', 'maxAssignmentsPerUser', 'maxRedemptionsPerUser', 'lockTtlSeconds', 'allowMultipleRedemptions']) if (f in input) expected[f] = input[f];
  for (const f of ['validFrom', 'validUntil']) if (f in input) expected[f] = storedDate(input[f]);
  if ('metadata' in input) expected.metadata = input.metadata;
  return expected;
}

const sameJson = (actual: unknown, sent: unknown, what: string) => expect(canonical(actual), `${what}: sent ${show(sent)}`).toEqual(canonical(sentValue(sent)));

/** The stored webhook body of an event, as received and as webhookDeliveries shows it (the same bytes). */
async function webhookBody(eventId: string): Promise<any> {
  const received = await webhookOf(receiver, eventId);
  const deliveries = await api.read('webhookDeliveries', `query ($e: ID!) { webhookDeliveries(endpointId: $e, first: 100) { edges { node { messageId eventId eventType payload status } } } }`, { e: endpointId });
  const delivery = deliveries.webhookDeliveries.edges.find((e: any) => e.node.eventId === eventId)?.node;
  expect(delivery?.payload, `webhookDeliveries payload of event ${eventId} among ${deliveries.webhookDeliveries.edges.map((e: any) => `${e.node.eventId}:${e.node.eventType}`).join(' ')}`).toBe(received.body);
  return received.json;
}

/** The newest event of a coupon (its id, type, reason), from Coupon.events. */
async function lastEvent(code: string): Promise<any> {
  const data = await api.read('events', `query ($c: String!) { coupon(code: $c) { events(first: 1) { edges { node { id type reason redemption { ${REDEMPTION} } } } } } }`, { c: code });
  return data.coupon.events.edges[0].node;
}

// ---------------------------------------------------------------- the steps

async function createBookStep(s: Scenario): Promise<{ id: string; active: boolean } | null> {
  const { more, currency, ...base } = s.book;
  const input: Record<string, any> = { ...base, ...(currency === undefined ? {} : { currency }), ...more };
  const what = `createBook ${show(input)}`;
  const countBefore = (await api.read('books count', '{ books(first: 1, status: ACTIVE) { totalCount } }')).books.totalCount;
  const auditBefore = await auditTotal();
  const answer = await mutate('createBook', what, `mutation ($i: CreateBookInput!) { createBook(input: $i) { ${BOOK} } }`, { i: input });
  if (!answer.ok) {
    await refusedChangedNothing(what, answer, async () => (await api.read('books count', '{ books(first: 1, status: ACTIVE) { totalCount } }')).books.totalCount, countBefore, auditBefore);
    return null;
  }
  const book = answer.data.createBook;
  const expected = expectedBook(input, book);
  const { metadata: _sent, ...plain } = expected;
  const { metadata: stored, ...answered } = book;
  expect(answered, `${what} answered`).toEqual(plain);
  sameJson(stored, input.metadata ?? {}, `${what} metadata`);
  await expectBookReads(book.id, book);
  expect((await auditOf(book.id, 'BOOK_CREATED')).name, `${what} audit`).toBe(book.name);
  return { id: book.id, active: book.isActive };
}

async function uploadStep(bookId: string, lines: string[], asCsv: boolean, tag: string) {
  const what = `uploadCodes(${asCsv ? 'csv' : 'codes'}) ${show(lines)}`;
  const answer = asCsv
    ? await mutate('uploadCodes(csv)', what, `mutation ($b: ID!, $c: String) { uploadCodes(bookId: $b, csv: $c) { inserted invalidCount duplicateCount } }`, { b: bookId, c: lines.join('\r\n') })
    : await mutate('uploadCodes', what, `mutation ($b: ID!, $c: [String!]) { uploadCodes(bookId: $b, codes: $c) { inserted invalidCount duplicateCount } }`, { b: bookId, c: lines });
  const stored = await codesOf(bookId);
  if (!answer.ok) {
    expect(answer.code, what).toBe('BAD_USER_INPUT');
    expect(stored, `${what} was refused but inserted codes`).toEqual([]);
    return;
  }
  // A code is 3..64 of A-Z 0-9 - _ once trimmed and ASCII letters upper-cased; an export's formula marker (') is dropped.
  // (A CSV line with a quote or a comma is a CSV record, not a code: only its count is compared.)
  const plain = !asCsv || lines.every((l) => !/[",\r\n]/.test(l));
  const valid = new Set(lines.map((l) => storedCode(l).replace(/^'(?=[-=+@])/, '')).filter((c) => /^[A-Z0-9_-]{3,64}$/.test(c)));
  if (plain) expect(new Set(stored), `${what}: the book's codes`).toEqual(valid);
  expect(answer.data.uploadCodes.inserted, what).toBe(stored.length);
  await expectCodeReads(bookId, stored, tag);
}

async function codesOf(bookId: string): Promise<string[]> {
  const data = await api.read('book.coupons', `query ($b: ID!) { book(id: $b) { coupons(first: 100) { edges { node { code } } } } }`, { b: bookId });
  return data.book.coupons.edges.map((e: any) => e.node.code);
}

/** Codes read back one by one, by prefix, in the admin search and in codes.csv. */
async function expectCodeReads(bookId: string, codes: string[], tag: string) {
  for (const code of codes) {
    expect((await couponSnapshot(code))?.code, `coupon(${code})`).toBe(code);
    expect((await couponSnapshot(code.toLowerCase()))?.code, `coupon(${code.toLowerCase()})`).toBe(code);
  }
  const search = await api.read('coupons', `query ($b: ID!) { coupons(bookId: $b, first: 100) { edges { node { code } } } }`, { b: bookId });
  expect(new Set(search.coupons.edges.map((e: any) => e.node.code)), 'coupons(bookId)').toEqual(new Set(codes));
  for (const code of codes.slice(0, 2)) {
    const byPrefix = await api.read('coupons(codePrefix)', `query ($p: String) { coupons(codePrefix: $p, first: 100) { edges { node { code } } } }`, { p: code });
    expect(byPrefix.coupons.edges.map((e: any) => e.node.code), `coupons(codePrefix: ${code})`).toContain(code);
  }
  const byTag = await api.read('coupons(codePrefix: tag)', `query ($p: String, $b: ID) { coupons(codePrefix: $p, bookId: $b, first: 100) { edges { node { code } } } }`, { p: tag, b: bookId });
  expect(new Set(byTag.coupons.edges.map((e: any) => e.node.code)), `coupons(codePrefix: ${tag})`).toEqual(new Set(codes.filter((c) => c.startsWith(tag))));
  const csv = await api.csv('codes.csv', `/export/books/${bookId}/codes.csv`);
  expect(new Set(csv.map((r) => r.code)), 'codes.csv').toEqual(new Set(codes.map(csvText)));
}

async function generateStep(bookId: string, pattern: Scenario['pattern']) {
  const input = { ...pattern, ...(pattern.prefix === '' && !pattern.suffix ? { suffix: 'Q' } : {}) };
  const what = `generateCodes ${show(input)}`;
  const before = new Set(await codesOf(bookId));
  const answer = await mutate('generateCodes', what, `mutation ($b: ID!, $i: GenerateCodesInput!) { generateCodes(bookId: $b, input: $i) { generated requested status jobId } }`, { b: bookId, i: input });
  if (!answer.ok) {
    expect(answer.code, what).toBe('BAD_USER_INPUT');
    expect(new Set(await codesOf(bookId)), `${what} was refused but changed the codes`).toEqual(before);
    return;
  }
  const result = answer.data.generateCodes;
  expect(result, what).toMatchObject({ generated: input.count, requested: input.count, status: 'COMPLETED' });
  const job = await api.read('codeJob', `query ($j: ID!) { codeJob(jobId: $j) { status inserted total kind } }`, { j: result.jobId });
  expect(job.codeJob, `${what} codeJob`).toMatchObject({ status: 'COMPLETED', inserted: input.count, total: input.count, kind: 'GENERATE' });
  const after = await codesOf(bookId);
  const made = after.filter((c) => !before.has(c));
  expect(made.length, `${what}: new codes ${show(made)}`).toBe(input.count);
  const prefix = storedCode(input.prefix ?? '');
  const suffix = storedCode(input.suffix ?? '');
  const charset = input.charset === undefined ? 'ABCDEFGHJKMNPQRSTUVWXYZ23456789' : storedCode(input.charset);
  const literal = (s: string) => s.replace(/[-]/g, '\\-');
  const shape = new RegExp(`^${literal(prefix)}[${charset}]{${input.length ?? 10}}${literal(suffix)}${input.checkCharacter ? `[${charset}]` : ''}$`);
  for (const code of made) expect(code, `${what} made ${code}`).toMatch(shape);
  await expectCodeReads(bookId, after, prefix || 'Q');
}

async function updateCouponStep(code: string, patch: Record<string, unknown>) {
  const what = `updateCoupon(${code}) ${show(patch)}`;
  const before = await couponSnapshot(code);
  const auditBefore = await auditTotal();
  const answer = await mutate('updateCoupon', what, `mutation ($c: String!, $i: UpdateCouponInput!) { updateCoupon(code: $c, input: $i) { ${COUPON} } }`, { c: code, i: patch });
  if (!answer.ok) return refusedChangedNothing(what, answer, () => couponSnapshot(code), before, auditBefore);
  const coupon = answer.data.updateCoupon;
  if ('expiresAt' in patch) expect(coupon.expiresAt, `${what} expiresAt`).toBe(storedDate(patch.expiresAt));
  if ('maxRedemptions' in patch) expect(coupon.maxRedemptions, `${what} maxRedemptions`).toBe(patch.maxRedemptions);
  if ('metadata' in patch) sameJson(coupon.metadata, patch.metadata, `${what} metadata`);
  expect(await couponSnapshot(code), `${what}: coupon(code)`).toEqual(coupon);
  const listed = await api.read('coupons', `query ($p: String) { coupons(codePrefix: $p, first: 100) { edges { node { ${COUPON} } } } }`, { p: code });
  expect(listed.coupons.edges.find((e: any) => e.node.code === code)?.node, `${what}: coupons(codePrefix)`).toEqual(coupon);
  const event = await lastEvent(code);
  expect(event.type, what).toBe('UPDATED');
  const live = await socketEventOf(couponEvents, event.id);
  expect({ expiresAt: live.coupon.expiresAt, maxRedemptions: live.coupon.maxRedemptions, metadata: canonical(live.coupon.metadata) }, `${what}: socket event`).toEqual({
    expiresAt: coupon.expiresAt,
    maxRedemptions: coupon.maxRedemptions,
    metadata: canonical(coupon.metadata),
  });
  const hook = await webhookBody(event.id);
  expect(hook.data.coupon.expiresAt, `${what}: webhook`).toBe(coupon.expiresAt);
  const changes = await auditOf(code, 'COUPON_UPDATED');
  if ('expiresAt' in patch) expect(storedDate(changes.expiresAt), `${what}: audit expiresAt`).toBe(coupon.expiresAt);
  if ('maxRedemptions' in patch) expect(changes.maxRedemptions, `${what}: audit maxRedemptions`).toBe(coupon.maxRedemptions);
  if ('metadata' in patch) sameJson(changes.metadata, patch.metadata, `${what}: audit metadata`);
}

type Holder = { customerId: string } | { token: string; email: string };

/** Assigns `code` to the scenario's customer (admin acting with customerId), or else to the shopper. */
async function assignStep(bookId: string, code: string, customerId: string | undefined): Promise<Holder | null> {
  if (customerId !== undefined) {
    const what = `assignCoupon(customerId: ${show(customerId)})`;
    const answer = await mutate('assignCoupon(customerId)', what, `mutation ($c: String!, $id: String) { assignCoupon(code: $c, customerId: $id) { ${COUPON} } }`, { c: code, id: customerId });
    if (answer.ok) {
      await expectCustomerReads(bookId, code, customerId, answer.data.assignCoupon.assignedUserId);
      return { customerId };
    }
    expect(answer.code, what).not.toBe('INTERNAL_SERVER_ERROR');
    expect((await couponSnapshot(code)).state, `${what} was refused (${answer.code}) but assigned the coupon`).toBe('UNASSIGNED');
    if (answer.code !== 'BAD_USER_INPUT') return null;
  }
  const answer = await api.send('assign shopper', `mutation ($c: String!) { assignCoupon(code: $c) { code } }`, { c: code }, t.shopper.token);
  return answer.ok ? { token: t.shopper.token, email: t.shopper.email } : null;
}

async function expectCustomerReads(bookId: string, code: string, customerId: string, userId: string) {
  const what = `customer ${show(customerId)}`;
  const user = await api.read('userByExternalId', `query ($x: String!) { userByExternalId(externalId: $x) { id externalId email role } }`, { x: customerId });
  expect(user.userByExternalId, `${what}: userByExternalId`).toEqual({ id: userId, externalId: customerId, email: null, role: 'USER' });
  const users = await api.read('users(search)', `query ($s: String) { users(first: 100, search: $s) { edges { node { id externalId } } } }`, { s: customerId });
  expect(users.users.edges.map((e: any) => e.node), `${what}: users(search)`).toContainEqual({ id: userId, externalId: customerId });
  const coupons = await api.read('coupons(customerId)', `query ($x: String, $b: ID) { coupons(customerId: $x, bookId: $b, first: 100) { edges { node { code user { externalId } } } } }`, { x: customerId, b: bookId });
  expect(coupons.coupons.edges.map((e: any) => e.node), `${what}: coupons(customerId)`).toEqual([{ code, user: { externalId: customerId } }]);
  const own = await api.read('customerCoupons', `query ($x: String!) { customerCoupons(customerId: $x, first: 100) { edges { node { code } } } }`, { x: customerId });
  expect(own.customerCoupons.edges.map((e: any) => e.node.code), `${what}: customerCoupons`).toContain(code);
  if (wellFormed(customerId)) {
    const csv = await api.csv('codes.csv?customerId', `/export/books/${bookId}/codes.csv`, { customerId });
    expect(csv.map((r) => [r.code, r.assigned_to]), `${what}: codes.csv?customerId`).toEqual([[csvText(code), '']]);
  }
  const event = await lastEvent(code);
  expect(event.type, what).toBe('ASSIGNED');
  expect((await socketEventOf(couponEvents, event.id)).coupon.user, `${what}: socket event`).toEqual({ id: userId, externalId: customerId, email: null });
  expect((await webhookBody(event.id)).data.user, `${what}: webhook`).toEqual({ id: userId, email: null, customerId });
}

/** Locks and redeems `code` for its holder with the scenario's order, metadata and key; falls back to a plain redeem. */
async function redeemStep(s: Scenario, book: { id: string; name: string; currency: string | null }, code: string, holder: Holder): Promise<string | null> {
  const as = 'customerId' in holder ? { token: t.admin.token, customerId: holder.customerId } : { token: holder.token, customerId: undefined };
  const locked = await api.send('lock', `mutation ($c: String!, $x: String) { lockCoupon(code: $c, customerId: $x) { state } }`, { c: code, x: as.customerId }, as.token);
  if (!locked.ok) return null;
  const order = s.order && { ...s.order, currency: s.order.currency === 'BOOK' ? (book.currency ?? 'EUR') : s.order.currency };
  const vars = { c: code, x: as.customerId, o: order, m: s.redeemMetadata, k: s.key };
  const what = `redeemCoupon ${show({ order, metadata: s.redeemMetadata, key: s.key })}`;
  const mutation = `mutation ($c: String!, $x: String, $o: OrderInput, $m: JSON, $k: String) {
    redeemCoupon(code: $c, customerId: $x, order: $o, metadata: $m, idempotencyKey: $k) { ${REDEMPTION} } }`;
  const answer = await mutate('redeemCoupon', what, mutation, vars, as.token);
  if (!answer.ok) {
    expect(answer.code, what).not.toBe('INTERNAL_SERVER_ERROR');
    expect((await couponSnapshot(code)).state, `${what} was refused (${answer.code}) but changed the coupon`).toBe('LOCKED');
    const none = await api.read('redemptions(code)', `query ($c: String) { redemptions(code: $c) { totalCount } }`, { c: code });
    expect(none.redemptions.totalCount, `${what} was refused but left a redemption`).toBe(0);
    const plain = book.currency ? { id: `plain-${code}`, amount: '99999999999999', currency: book.currency } : undefined;
    const again = await api.send('plain redeem', mutation, { c: code, x: as.customerId, o: plain }, as.token);
    return again.ok ? again.data.redeemCoupon.id : null;
  }
  const redemption = answer.data.redeemCoupon;
  const currency = order ? order.currency.trim().toUpperCase() : null;
  expect(
    { orderId: redemption.orderId, orderAmount: redemption.orderAmount, currency: redemption.currency, idempotencyKey: redemption.idempotencyKey },
    `${what} answered`,
  ).toEqual({
    orderId: order ? storedText(order.id) : null,
    orderAmount: order ? storedAmount(order.amount, currency as string) : null,
    currency,
    idempotencyKey: s.key ?? null,
  });
  sameJson(redemption.metadata, s.redeemMetadata ?? null, `${what} metadata`);
  await expectRedemptionReads(book, code, redemption, holder, what);
  return redemption.id;
}

async function expectRedemptionReads(book: { id: string; name: string }, code: string, redemption: any, holder: Holder, what: string) {
  const byFilter = async (filter: Record<string, unknown>, token = t.admin.token) => {
    const names = Object.keys(filter);
    const args = names.map((n) => `${n}: $${n}`).join(', ');
    const types = names.map((n) => `$${n}: ${n === 'bookId' ? 'ID' : n === 'reversed' ? 'Boolean' : 'String'}`).join(', ');
    const data = await api.read(`redemptions(${names})`, `query (${types}) { redemptions(first: 100, ${args}) { edges { node { ${REDEMPTION} } } } }`, filter, token);
    return data.redemptions.edges.find((e: any) => e.node.id === redemption.id)?.node;
  };
  expect(await byFilter({ bookId: book.id }), `${what}: redemptions(bookId)`).toEqual(redemption);
  expect(await byFilter({ code: code.toLowerCase() }), `${what}: redemptions(code)`).toEqual(redemption);
  if (redemption.orderId !== null) expect(await byFilter({ orderId: redemption.orderId }), `${what}: redemptions(orderId)`).toEqual(redemption);
  if ('customerId' in holder) expect(await byFilter({ customerId: holder.customerId }), `${what}: redemptions(customerId)`).toEqual(redemption);
  else expect(await byFilter({ bookId: book.id }, holder.token), `${what}: the shopper's redemptions`).toEqual(redemption);
  const event = await lastEvent(code);
  expect(event.redemption, `${what}: Coupon.events`).toEqual(redemption);
  expect((await socketEventOf(couponEvents, event.id)).redemption, `${what}: socket couponEvents`).toEqual(redemption);
  const live = await eventually('redemptionEvents', () => redemptionEvents.values, (all) => all.map((v) => v.data?.redemptionEvents).find((r) => r?.id === redemption.id && r.reversedAt === redemption.reversedAt));
  expect(live, `${what}: socket redemptionEvents`).toEqual(redemption);
  const hook = (await webhookBody(event.id)).data;
  expect(hook.book.name, `${what}: webhook book`).toBe(book.name);
  expect(hook.user.customerId, `${what}: webhook user`).toBe('customerId' in holder ? holder.customerId : null);
  const { id, orderId, orderAmount, discountAmount, currency, reversedAt, reversalReason } = redemption;
  expect(hook.redemption, `${what}: webhook redemption`).toMatchObject({ id, orderId, orderAmount, discountAmount, currency, reversedAt, reversalReason });
  const filters: Record<string, string>[] = [{}, { code }];
  if (orderId !== null && wellFormed(orderId)) filters.push({ orderId });
  if ('customerId' in holder && wellFormed(holder.customerId)) filters.push({ customerId: holder.customerId });
  for (const params of filters) {
    const rows = await api.csv(`redemptions.csv?${Object.keys(params)}`, `/export/books/${book.id}/redemptions.csv`, params);
    const row = rows.find((r) => r.redemption_id === redemption.id);
    expect(row, `${what}: redemptions.csv?${new URLSearchParams(params)}`).toBeDefined();
    expect(
      { code: row!.code, order_id: row!.order_id, order_amount: row!.order_amount, discount_amount: row!.discount_amount, currency: row!.currency, key: row!.idempotency_key, reason: row!.reversal_reason },
      `${what}: redemptions.csv`,
    ).toEqual({
      code: csvText(code),
      order_id: csvText(orderId),
      order_amount: orderAmount ?? '',
      discount_amount: discountAmount ?? '',
      currency: currency ?? '',
      key: csvText(redemption.idempotencyKey),
      reason: csvText(reversalReason),
    });
    expect(row!.metadata === '' ? null : canonical(JSON.parse(row!.metadata)), `${what}: redemptions.csv metadata ${row!.metadata.slice(0, 80)}`).toEqual(canonical(redemption.metadata));
  }
}

async function reverseStep(book: { id: string; name: string }, code: string, redemptionId: string, reason: string, holder: Holder) {
  const what = `reverseRedemption(reason: ${show(reason)})`;
  const snapshot = async () => (await api.read('redemptions(code)', `query ($c: String) { redemptions(code: $c) { edges { node { ${REDEMPTION} } } } }`, { c: code })).redemptions.edges;
  const before = await snapshot();
  const auditBefore = await auditTotal();
  const answer = await mutate('reverseRedemption', what, `mutation ($id: ID!, $r: String!) { reverseRedemption(redemptionId: $id, reason: $r) { ${REDEMPTION} } }`, { id: redemptionId, r: reason });
  if (!answer.ok) return refusedChangedNothing(what, answer, snapshot, before, auditBefore);
  const redemption = answer.data.reverseRedemption;
  expect(redemption.reversalReason, what).toBe(storedText(reason));
  await expectRedemptionReads(book, code, redemption, holder, what);
  expect((await auditOf(redemptionId, 'REDEMPTION_REVERSED')).reason, `${what}: audit`).toBe(redemption.reversalReason);
}

async function controlStep(code: string, kind: string, reason: string | undefined) {
  if (kind !== 'voidCoupon') await api.read('assign other', `mutation ($c: String!) { assignCoupon(code: $c) { code } }`, { c: code }, t.other.token);
  if (kind === 'forceUnlockCoupon') await api.read('lock other', `mutation ($c: String!) { lockCoupon(code: $c) { code } }`, { c: code }, t.other.token);
  const what = `${kind}(reason: ${show(reason)})`;
  const before = await couponSnapshot(code);
  const auditBefore = await auditTotal();
  const answer = await mutate(`${kind}`, what, `mutation ($c: String!, $r: String${kind === 'forceUnlockCoupon' ? '' : '!'}) { ${kind}(code: $c, reason: $r) { ${COUPON} } }`, { c: code, r: reason });
  if (!answer.ok) return refusedChangedNothing(what, answer, () => couponSnapshot(code), before, auditBefore);
  const stored = storedText(reason);
  const event = await lastEvent(code);
  expect({ type: event.type, reason: event.reason }, `${what}: Coupon.events`).toEqual({
    type: { voidCoupon: 'VOIDED', unassignCoupon: 'UNASSIGNED', forceUnlockCoupon: 'UNLOCKED' }[kind],
    reason: stored,
  });
  expect((await socketEventOf(couponEvents, event.id)).reason, `${what}: socket event`).toBe(stored);
  expect((await webhookBody(event.id)).data.transition.reason, `${what}: webhook`).toBe(stored);
  const action = { voidCoupon: 'COUPON_VOIDED', unassignCoupon: 'COUPON_UNASSIGNED', forceUnlockCoupon: 'COUPON_UNLOCKED' }[kind] as string;
  expect((await auditOf(code, action)).reason ?? null, `${what}: audit`).toBe(stored);
}

async function updateBookStep(id: string, patch: Record<string, any>, code: string | undefined) {
  const what = `updateBook ${show(patch)}`;
  const before = await bookSnapshot(id);
  const auditBefore = await auditTotal();
  const answer = await mutate('updateBook', what, `mutation ($id: ID!, $i: UpdateBookInput!) { updateBook(id: $id, input: $i) { ${BOOK} } }`, { id, i: patch });
  if (!answer.ok) return refusedChangedNothing(what, answer, () => bookSnapshot(id), before, auditBefore);
  const book = answer.data.updateBook;
  const merged = { ...before, ...patch };
  const expected = expectedBook(merged, book);
  const { metadata: stored, ...answered } = book;
  const { metadata: _m, ...plain } = expected;
  expect(answered, `${what} answered`).toEqual(plain);
  sameJson(stored, 'metadata' in patch ? patch.metadata : before.metadata, `${what} metadata`);
  await expectBookReads(id, book, code);
  if (Object.keys(patch).length > 0 && JSON.stringify(canonical(book)) !== JSON.stringify(canonical(before))) {
    const changes = await auditOf(id, 'BOOK_UPDATED');
    if ('name' in patch && book.name !== before.name) expect(changes.name?.to, `${what}: audit name`).toBe(book.name);
    if ('metadata' in patch && changes.metadata) sameJson(changes.metadata.to, patch.metadata, `${what}: audit metadata`);
  }
}

async function poolStep(s: Scenario) {
  const what = `createPool ${show(s.pool)}`;
  const count = async () => (await api.read('pools', '{ pools(first: 1) { totalCount } }')).pools.totalCount;
  const countBefore = await count();
  const answer = await mutate('createPool', what, `mutation ($n: String!, $d: String) { createPool(name: $n, description: $d) { id name description } }`, { n: s.pool.name, d: s.pool.description });
  if (!answer.ok) return refusedChangedNothing(what, answer, count, countBefore, await auditTotal());
  let pool = answer.data.createPool;
  expect({ name: pool.name, description: pool.description }, what).toEqual({ name: storedText(s.pool.name), description: storedText(s.pool.description) });
  await expectPoolReads(pool, what);
  const patchWhat = `updatePool ${show(s.poolUpdate)}`;
  const snapshot = async () => (await api.read('pool', `query ($id: ID!) { pool(id: $id) { id name description } }`, { id: pool.id })).pool;
  const auditBefore = await auditTotal();
  const updated = await mutate('updatePool', patchWhat, `mutation ($id: ID!, $i: UpdatePoolInput!) { updatePool(id: $id, input: $i) { id name description } }`, { id: pool.id, i: s.poolUpdate });
  if (!updated.ok) return refusedChangedNothing(patchWhat, updated, snapshot, pool, auditBefore);
  const before = pool;
  pool = updated.data.updatePool;
  const patch = s.poolUpdate as Record<string, string | null>;
  expect(pool, patchWhat).toEqual({
    id: before.id,
    name: 'name' in patch ? storedText(patch.name) : before.name,
    description: 'description' in patch ? storedText(patch.description) : before.description,
  });
  await expectPoolReads(pool, patchWhat);
  if (pool.name !== before.name || pool.description !== before.description) {
    const changes = await auditOf(pool.id, 'POOL_UPDATED');
    if (pool.name !== before.name) expect(changes.name, `${patchWhat}: audit`).toEqual({ from: before.name, to: pool.name });
    if (pool.description !== before.description) expect(changes.description, `${patchWhat}: audit`).toEqual({ from: before.description, to: pool.description });
  }
}

async function expectPoolReads(pool: any, what: string) {
  expect((await api.read('pool', `query ($id: ID!) { pool(id: $id) { id name description } }`, { id: pool.id })).pool, `${what}: pool(id)`).toEqual(pool);
  const list = await api.read('pools', '{ pools(first: 100) { edges { node { id name description } } } }');
  expect(list.pools.edges.find((e: any) => e.node.id === pool.id)?.node, `${what}: pools`).toEqual(pool);
}

async function apiKeyStep(name: string) {
  const what = `createApiKey(name: ${show(name)})`;
  const count = async () => (await api.read('apiKeys', '{ apiKeysConnection(first: 1) { totalCount } }')).apiKeysConnection.totalCount;
  const countBefore = await count();
  const auditBefore = await auditTotal();
  const answer = await mutate('createApiKey', what, `mutation ($n: String!) { createApiKey(input: { name: $n, scopes: [COUPONS_READ] }) { apiKey { id name scopes } } }`, { n: name });
  if (!answer.ok) return refusedChangedNothing(what, answer, count, countBefore, auditBefore);
  const key = answer.data.createApiKey.apiKey;
  expect(key.name, what).toBe(storedText(name));
  const all = await api.read('apiKeys', '{ apiKeys { id name scopes } apiKeysConnection(first: 100) { edges { node { id name scopes } } } }');
  expect(all.apiKeys.find((k: any) => k.id === key.id), `${what}: apiKeys`).toEqual(key);
  expect(all.apiKeysConnection.edges.find((e: any) => e.node.id === key.id)?.node, `${what}: apiKeysConnection`).toEqual(key);
  expect((await auditOf(key.id, 'API_KEY_CREATED')).name, `${what}: audit`).toBe(key.name);
}

async function webhookStep(s: Scenario) {
  const what = `createWebhookEndpoint ${show(s.webhook)}`;
  const FIELDS = 'id url description bookId events enabled';
  const count = async () => (await api.read('endpoints', '{ webhookEndpoints(first: 1) { totalCount } }')).webhookEndpoints.totalCount;
  const countBefore = await count();
  const auditBefore = await auditTotal();
  const answer = await mutate('createWebhookEndpoint', what, `mutation ($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) { endpoint { ${FIELDS} } } }`, {
    i: { url: s.webhook.url, description: s.webhook.description, bookId: quietBookId, events: ['VOIDED'] },
  });
  if (!answer.ok) return refusedChangedNothing(what, answer, count, countBefore, auditBefore);
  let endpoint = answer.data.createWebhookEndpoint.endpoint;
  expect(endpoint.description, what).toBe(storedText(s.webhook.description));
  await expectEndpointReads(endpoint, what);
  const created = await auditOf(endpoint.id, 'WEBHOOK_ENDPOINT_CREATED');
  expect({ url: created.url, description: created.description }, `${what}: audit`).toEqual({ url: endpoint.url, description: endpoint.description });
  const patchWhat = `updateWebhookEndpoint ${show(s.webhookUpdate)}`;
  const snapshot = async () => (await api.read('endpoint', `query ($id: ID!) { webhookEndpoint(id: $id) { ${FIELDS} } }`, { id: endpoint.id })).webhookEndpoint;
  const before = endpoint;
  const updateAuditBefore = await auditTotal();
  const updated = await mutate('updateWebhookEndpoint', patchWhat, `mutation ($id: ID!, $i: UpdateWebhookEndpointInput!) { updateWebhookEndpoint(id: $id, input: $i) { ${FIELDS} } }`, { id: endpoint.id, i: s.webhookUpdate });
  if (!updated.ok) return refusedChangedNothing(patchWhat, updated, snapshot, before, updateAuditBefore);
  endpoint = updated.data.updateWebhookEndpoint;
  if ('description' in s.webhookUpdate) expect(endpoint.description, patchWhat).toBe(storedText(s.webhookUpdate.description as string | null));
  await expectEndpointReads(endpoint, patchWhat);
}

async function expectEndpointReads(endpoint: any, what: string) {
  const FIELDS = 'id url description bookId events enabled';
  expect((await api.read('endpoint', `query ($id: ID!) { webhookEndpoint(id: $id) { ${FIELDS} } }`, { id: endpoint.id })).webhookEndpoint, `${what}: webhookEndpoint`).toEqual(endpoint);
  const list = await api.read('endpoints', `{ webhookEndpoints(first: 100) { edges { node { ${FIELDS} } } } }`);
  expect(list.webhookEndpoints.edges.find((e: any) => e.node.id === endpoint.id)?.node, `${what}: webhookEndpoints`).toEqual(endpoint);
}

async function registerStep(email: string) {
  const what = `register(email: ${show(email)})`;
  const answer = await mutate('register', what, `mutation ($e: String!, $p: String!) { register(email: $e, password: $p) { token user { id email } } }`, { e: email, p: 'correct horse battery staple' }, null);
  if (!answer.ok) {
    expect(answer.code, what).toBe('BAD_USER_INPUT');
    const found = await api.send('userByEmail', `query ($e: String!) { userByEmail(email: $e) { id } }`, { e: email });
    expect(found.ok ? found.data.userByEmail : null, `${what} was refused but made an account`).toBeNull();
    return;
  }
  const { token, user } = answer.data.register;
  // Emails are stored trimmed and lower-cased (and, for non-ASCII ones, in one canonical spelling):
  // whatever the spelling, the account reads back the same by either spelling.
  if (/^[\x21-\x7e]*$/.test(email.trim()) && !/xn--/i.test(email)) expect(user.email, what).toBe(email.trim().toLowerCase());
  expect((await api.read('me', '{ me { id email } }', {}, token)).me, `${what}: me`).toEqual(user);
  for (const spelling of [email, user.email]) {
    expect((await api.read('userByEmail', `query ($e: String!) { userByEmail(email: $e) { id email } }`, { e: spelling })).userByEmail, `${what}: userByEmail(${show(spelling)})`).toEqual(user);
  }
  const listed = await api.read('users(search)', `query ($s: String) { users(first: 100, search: $s) { edges { node { id email } } } }`, { s: user.email });
  expect(listed.users.edges.map((e: any) => e.node), `${what}: users(search)`).toContainEqual(user);
}

// ---------------------------------------------------------------- found by the fuzz

// webhookDeliveries selected `id::text AS id` and ordered by `id DESC`, which PostgreSQL reads as
// that text column: once delivery ids passed 999, "newest first" put 999 … 990, 99, 989 … before
// 1024, and the next page, asked for `id < 909` as a number, never showed 1000 … 1024 at all.
describe('webhookDeliveries lists newest first across pages when delivery ids pass a power of ten', () => {
  it('every delivery once, in id order, page after page', async () => {
    const endpoint = await api.read('endpoint', `mutation ($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) { endpoint { id } } }`, {
      i: { url: receiver.url, events: ['VOIDED'], bookId: quietBookId },
    });
    const id = endpoint.createWebhookEndpoint.endpoint.id;
    // The next ids run from a power of ten minus 5 across it (…995, …996, …, …1006).
    const [{ last }] = await t.server.db.prisma.$queryRaw<Array<{ last: bigint }>>(Prisma.sql`SELECT coalesce(max(id), 0) AS last FROM webhook_delivery`);
    const power = 10 ** Math.max(3, String(Number(last) + 20).length);
    await t.server.db.prisma.$queryRaw(Prisma.sql`SELECT setval(pg_get_serial_sequence('webhook_delivery', 'id'), ${power - 6}::bigint)`);
    const sent: string[] = [];
    for (let i = 0; i < 12; i++) sent.push((await api.read('test webhook', 'mutation ($id: ID!) { sendTestWebhook(id: $id) { id } }', { id })).sendTestWebhook.id);
    expect(sent[5], 'the sixth delivery id is the power of ten').toBe(String(power));
    const listed: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page++) {
      const data = await api.read('deliveries', `query ($e: ID!, $a: String) { webhookDeliveries(endpointId: $e, first: 5, after: $a) { totalCount edges { node { id } } pageInfo { hasNextPage endCursor } } }`, { e: id, a: after });
      listed.push(...data.webhookDeliveries.edges.map((e: any) => e.node.id));
      expect(data.webhookDeliveries.totalCount).toBe(12);
      if (!data.webhookDeliveries.pageInfo.hasNextPage) break;
      after = data.webhookDeliveries.pageInfo.endCursor;
    }
    expect(listed).toEqual([...sent].reverse());
  });
});

// ---------------------------------------------------------------- the property

describe('read-back fuzz: what a mutation accepts, every read shows again', () => {
  it('hostile values stored by every mutation read back equal (or normalised as documented) everywhere, never an error', async () => {
    const now = t.server.clock.now().getTime();
    const property = fc.asyncProperty(scenario(now), async (raw) => {
      run += 1;
      // The test clock stands still; a millisecond per run keeps "newest first" lists (created_at,
      // then a random uuid) showing this run's objects on their first page.
      t.server.clock.advance(1);
      const tag = `RB${run}X${uniqueCodes(1)[0].slice(1, 6)}`;
      const s = tagged(raw, tag);
      // Codes (uploaded and generated) go into a book of their own; the checkout flow into the
      // fuzzed book when it serves coupons now, else into a plain one.
      const created = await createBookStep(s);
      const codesBook = await createCampaign(t.server, t.admin, 0);
      await uploadStep(codesBook.bookId, s.codes, s.codesAsCsv, tag);
      await generateStep(codesBook.bookId, s.pattern);
      const flowId = created?.active ? created.id : (await createCampaign(t.server, t.admin, 0, { currency: 'EUR' })).bookId;
      const [a, b, c] = [`${tag}-A`, `${tag}-B`, `${tag}-C`];
      await api.read('upload', `mutation ($b: ID!, $c: [String!]) { uploadCodes(bookId: $b, codes: $c) { inserted } }`, { b: flowId, c: [a, b, c] });
      const flowBook = await bookSnapshot(flowId);
      await updateCouponStep(a, s.couponUpdate);
      const holder = await assignStep(flowId, b, s.customerId);
      if (holder) {
        const redemptionId = await redeemStep(s, flowBook, b, holder);
        if (redemptionId) await reverseStep(flowBook, b, redemptionId, s.reverseReason, holder);
      }
      await controlStep(c, s.control.kind, s.control.reason);
      await updateBookStep(created?.id ?? flowId, s.bookUpdate, created?.id === undefined || created.id === flowId ? a : undefined);
      await poolStep(s);
      await apiKeyStep(s.apiKeyName);
      await webhookStep(s);
      if (s.email) await registerStep(s.email);
    });
    try {
      await fc.assert(property, propertyParameters('read-back fuzz', RUNS));
    } finally {
      console.info(`[read-back fuzz] answers per mutation: ${JSON.stringify(Object.fromEntries(tally))}`);
    }
    await expectInvariants(t.server.db, 'after the read-back fuzz');
  }, 300_000);
});
