import { call, COUPON_FIELDS, type Outcome } from '../../testing/index.ts';

/**
 * The admin controls the race harness (transition-pairs.ts) fires against the shopper
 * transitions: on one coupon (void, unassign, force unlock, per-code overrides) or on its book
 * (pause, archive, resume, updateBook, deleteBook). All are sent by the admin.
 */
export type AdminOp =
  /** `voidCoupon`: any state but VOID → VOID, for good. */
  | { kind: 'void' }
  /** `unassignCoupon`: an ASSIGNED or LOCKED coupon never redeemed → UNASSIGNED. */
  | { kind: 'unassign' }
  /** `forceUnlockCoupon`: a running lock, whoever holds it → ASSIGNED. */
  | { kind: 'forceUnlock' }
  /** `updateCoupon`: the code's own expiry (`now` = the server clock's now, `past` = a second before; null clears it) and use limit. */
  | { kind: 'updateCoupon'; expiresAt?: 'now' | 'past' | null; maxRedemptions?: number | null }
  /** `pauseBook`, `archiveBook`, `resumeBook` on the coupon's book. */
  | { kind: 'bookStatus'; to: 'pause' | 'archive' | 'resume' }
  /** `updateBook` of the coupon's book (`validUntil: 'now'` ends the window at the server clock's now). */
  | { kind: 'updateBook'; input: BookUpdate }
  /** `deleteBook` of the coupon's book (only while no coupon was ever given out). */
  | { kind: 'deleteBook' };

/** The `updateBook` fields the admin scenarios change. */
export interface BookUpdate {
  maxRedemptionsPerUser?: number | null;
  allowMultipleRedemptions?: boolean;
  maxAssignmentsPerUser?: number | null;
  maxTotalRedemptions?: number | null;
  lockTtlSeconds?: number;
  validUntil?: 'now' | null;
}

/**
 * What a book control's answer is compared on: its status and `counts`, one statement's snapshot.
 * `redeemedTotal` is left out: it is loaded by another statement, so one answer could mix two
 * moments (reported to the lead; see the README row).
 */
const BOOK_ANSWER_FIELDS = 'status counts { unassigned assigned locked redeemed }';

const ADMIN_OPS = {
  void: `mutation Void($code: String!, $reason: String!) { voidCoupon(code: $code, reason: $reason) { ${COUPON_FIELDS} } }`,
  unassign: `mutation Unassign($code: String!, $reason: String!) { unassignCoupon(code: $code, reason: $reason) { ${COUPON_FIELDS} } }`,
  forceUnlock: `mutation ForceUnlock($code: String!, $reason: String) { forceUnlockCoupon(code: $code, reason: $reason) { ${COUPON_FIELDS} } }`,
  updateCoupon: `mutation UpdateCoupon($code: String!, $input: UpdateCouponInput!) { updateCoupon(code: $code, input: $input) { ${COUPON_FIELDS} } }`,
  pause: `mutation Pause($id: ID!) { pauseBook(id: $id) { ${BOOK_ANSWER_FIELDS} } }`,
  archive: `mutation Archive($id: ID!) { archiveBook(id: $id) { ${BOOK_ANSWER_FIELDS} } }`,
  resume: `mutation Resume($id: ID!) { resumeBook(id: $id) { ${BOOK_ANSWER_FIELDS} } }`,
  updateBook: `mutation UpdateBook($id: ID!, $input: UpdateBookInput!) { updateBook(id: $id, input: $input) { ${BOOK_ANSWER_FIELDS} } }`,
  deleteBook: 'mutation DeleteBook($id: ID!) { deleteBook(id: $id) }',
} as const;

/** The book read as a book control answers it (for the "counts read after both" outcome of a serial run). */
export const BOOK_QUERY = `query Book($id: ID!) { book(id: $id) { ${BOOK_ANSWER_FIELDS} } }`;

/** The control by its GraphQL name, with what it changes. */
export function describeAdminOp(op: AdminOp): string {
  switch (op.kind) {
    case 'void':
    case 'unassign':
    case 'forceUnlock':
      return `${op.kind}Coupon by admin`;
    case 'updateCoupon':
      return `updateCoupon(${describeFields({ expiresAt: op.expiresAt, maxRedemptions: op.maxRedemptions })}) by admin`;
    case 'bookStatus':
      return `${op.to}Book by admin`;
    case 'updateBook':
      return `updateBook(${describeFields({ ...op.input })}) by admin`;
    case 'deleteBook':
      return 'deleteBook by admin';
  }
}

/** `a: 1, b: null` of the fields given (undefined ones left out), for names. */
function describeFields(fields: Record<string, unknown>): string {
  return Object.entries(fields)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}: ${String(v)}`)
    .join(', ');
}

/** Sends one admin control for the coupon `target.code` of book `target.bookId`; times are the server clock's at the call. */
export function callAdmin(
  server: { url: string; clock: { now(): Date } },
  adminToken: string,
  target: { code: string; bookId: string },
  op: AdminOp,
): Promise<Outcome> {
  const now = server.clock.now().getTime();
  const at = (when: 'now' | 'past' | null | undefined) =>
    when === undefined ? undefined : when === null ? null : new Date(when === 'now' ? now : now - 1000).toISOString();
  switch (op.kind) {
    case 'void':
    case 'unassign':
    case 'forceUnlock':
      return call(server, ADMIN_OPS[op.kind], { code: target.code, reason: 'race harness' }, adminToken);
    case 'updateCoupon':
      return call(server, ADMIN_OPS.updateCoupon, { code: target.code, input: { expiresAt: at(op.expiresAt), maxRedemptions: op.maxRedemptions } }, adminToken);
    case 'bookStatus':
      return call(server, ADMIN_OPS[op.to], { id: target.bookId }, adminToken);
    case 'updateBook':
      return call(server, ADMIN_OPS.updateBook, { id: target.bookId, input: { ...op.input, validUntil: at(op.input.validUntil) } }, adminToken);
    case 'deleteBook':
      return call(server, ADMIN_OPS.deleteBook, { id: target.bookId }, adminToken);
  }
}

/** A control that answers its book (status and counts). */
export const isBookControl = (op: { kind: string }): boolean => op.kind === 'bookStatus' || op.kind === 'updateBook';

/** What a book answer tells the admin: its status and what its coupons were doing after the change. */
export function bookAnswer(book: { status: string; counts: { unassigned: number; assigned: number; locked: number; redeemed: number } }): string {
  const c = book.counts;
  return `ok book ${book.status} counts(u/a/l/r)=${c.unassigned}/${c.assigned}/${c.locked}/${c.redeemed}`;
}
