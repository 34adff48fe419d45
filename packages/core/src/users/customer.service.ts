import { Prisma } from '@coupons/db';
import { requireActingForOthers } from '../shared/access.ts';
import type { ServiceContext } from '../shared/context.ts';
import { badInput, DomainError, forbidden } from '../shared/errors.ts';
import { requireText } from '../shared/validation.ts';

// A shop's customers, identified by the shop's own id (`customerId`). A shop backend calling
// with an API key acts for them: the user is created on first use, linked by `external_id`, and
// has no email and no password (it cannot sign in anywhere). People keep email and password.
// An admin can disable a customer (users/user-admin.service.ts): from then on whatever acts for
// them may still read their coupons, but claims, locks, unlocks and redemptions are FORBIDDEN.

/** The longest customerId accepted (the column's CHECK says the same). */
export const MAX_CUSTOMER_ID_LENGTH = 200;

/**
 * A customerId as given: 1..200 characters, no control characters, and not padded with spaces —
 * it is the shop's identifier, so it is matched exactly, never trimmed into another one.
 */
export function parseCustomerId(value: string): string {
  const text = requireText('customerId', value, { max: MAX_CUSTOMER_ID_LENGTH });
  if (text !== value) throw badInput('customerId', 'must not start or end with spaces');
  return text;
}

/** A shop's customer as the requests acting for them see it. */
interface CustomerRow {
  id: string;
  disabled: boolean;
}

/**
 * The user id of the shop's customer `customerId`, creating the user on first use. Two first
 * uses at once make one user: the insert skips on the unique `external_id` and the loser reads
 * the winner's row. Requires an admin or a COUPONS_WRITE key.
 */
export async function ensureCustomer(ctx: ServiceContext, customerId: string): Promise<string> {
  return (await ensureCustomerRow(ctx, customerId)).id;
}

async function ensureCustomerRow(ctx: ServiceContext, customerId: string): Promise<CustomerRow> {
  requireActingForOthers(ctx);
  const externalId = parseCustomerId(customerId);
  // The row a concurrent insert made is committed before ON CONFLICT lets this one skip, so the
  // read after a skip finds it, unless an erase of that customer (which clears `external_id`)
  // committed in between: then the customer is gone, as if the erase came first, and the insert
  // is tried again to start a new one. Each round trip needs an erase in that gap; a few suffice.
  for (let round = 0; round < 3; round++) {
    const [created] = await ctx.db.prisma.$queryRaw<Array<{ id: string }>>(Prisma.sql`
      INSERT INTO app_user (id, external_id, role) VALUES (gen_random_uuid(), ${externalId}, 'USER')
      ON CONFLICT (external_id) DO NOTHING RETURNING id::text AS id`);
    if (created) return { id: created.id, disabled: false };
    const existing = await findCustomerRow(ctx, externalId);
    if (existing) return existing;
  }
  throw new DomainError('SERVICE_UNAVAILABLE', 'The customer was erased and made again while this request ran; retry', { retryable: true });
}

/** The user id of the shop's customer `customerId`, or null when the shop never acted for them. */
export async function findCustomer(ctx: Pick<ServiceContext, 'db'>, customerId: string): Promise<string | null> {
  return (await findCustomerRow(ctx, customerId))?.id ?? null;
}

async function findCustomerRow(ctx: Pick<ServiceContext, 'db'>, customerId: string): Promise<CustomerRow | null> {
  const externalId = parseCustomerId(customerId);
  // An erased customer's row has lost its external_id, so it is never found: the shop acting for
  // the same id again starts a new customer with nothing of the old one.
  const row = await ctx.db.prisma.user.findUnique({ where: { externalId }, select: { id: true, disabledAt: true } });
  return row ? { id: row.id, disabled: row.disabledAt !== null } : null;
}

/**
 * Why a shop's customer cannot use coupons now: an admin disabled them, or erased them while a
 * request for them was running (FORBIDDEN: the key may act, this customer may not).
 */
export function customerRefusal(why: 'DISABLED' | 'ERASED'): DomainError {
  return forbidden(
    why === 'DISABLED'
      ? 'This customer is disabled: an admin can enable them on the console Users page'
      : 'This customer was erased',
  );
}

/**
 * The context in which a shop's customer acts: the same request, with the customer as the
 * caller (role USER: every rule a shopper meets applies, and a code that is not theirs is
 * NOT_FOUND), the key kept on the caller for the record. `create: true` is for the operations
 * that change coupons: FORBIDDEN for a disabled customer. `create: false` (reads, validation)
 * answers null for a customer the shop never acted for, instead of creating one, and serves a
 * disabled one (`caller.customer.disabled` tells validation to say the checkout would be refused).
 *
 * The disabled check is a read before the transition, which a disable racing it cannot make
 * unserializable: disabling touches no coupon, so a request that read the customer as enabled is
 * ordered before the disable. An erase does touch coupons: claims re-check the customer under the
 * lock of their row (coupons/assign.sql.ts), and locks and redemptions meet the coupons the erase
 * gave back (no longer the customer's).
 */
export async function actingAsCustomer(
  ctx: ServiceContext,
  customerId: string,
  options: { create: boolean },
): Promise<ServiceContext | null> {
  const caller = requireActingForOthers(ctx, options.create ? 'COUPONS_WRITE' : 'COUPONS_READ');
  const externalId = parseCustomerId(customerId);
  const customer = options.create ? await ensureCustomerRow(ctx, externalId) : await findCustomerRow(ctx, externalId);
  if (customer === null) return null;
  if (options.create && customer.disabled) throw customerRefusal('DISABLED');
  return {
    ...ctx,
    caller: { userId: customer.id, role: 'USER', apiKey: caller.apiKey, customer: { externalId, disabled: customer.disabled } },
  };
}
