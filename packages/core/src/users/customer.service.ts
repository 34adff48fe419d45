import { Prisma } from '@coupons/db';
import { requireActingForOthers } from '../shared/access.ts';
import type { ServiceContext } from '../shared/context.ts';
import { badInput } from '../shared/errors.ts';
import { requireText } from '../shared/validation.ts';

// A shop's customers, identified by the shop's own id (`customerId`). A shop backend calling
// with an API key acts for them: the user is created on first use, linked by `external_id`, and
// has no email and no password (it cannot sign in anywhere). People keep email and password.

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

/**
 * The user id of the shop's customer `customerId`, creating the user on first use. Two first
 * uses at once make one user: the insert skips on the unique `external_id` and the loser reads
 * the winner's row. Requires an admin or a COUPONS_WRITE key.
 */
export async function ensureCustomer(ctx: ServiceContext, customerId: string): Promise<string> {
  requireActingForOthers(ctx);
  const externalId = parseCustomerId(customerId);
  const [created] = await ctx.db.prisma.$queryRaw<Array<{ id: string }>>(Prisma.sql`
    INSERT INTO app_user (id, external_id, role) VALUES (gen_random_uuid(), ${externalId}, 'USER')
    ON CONFLICT (external_id) DO NOTHING RETURNING id::text AS id`);
  if (created) return created.id;
  const existing = await findCustomer(ctx, externalId);
  // The row a concurrent insert made is committed before ON CONFLICT lets this one skip.
  if (!existing) throw new Error(`customer ${externalId} neither inserted nor found`);
  return existing;
}

/** The user id of the shop's customer `customerId`, or null when the shop never acted for them. */
export async function findCustomer(ctx: Pick<ServiceContext, 'db'>, customerId: string): Promise<string | null> {
  const externalId = parseCustomerId(customerId);
  const row = await ctx.db.prisma.user.findUnique({ where: { externalId }, select: { id: true } });
  return row?.id ?? null;
}

/**
 * The context in which a shop's customer acts: the same request, with the customer as the
 * caller (role USER: every rule a shopper meets applies, and a code that is not theirs is
 * NOT_FOUND), the key kept on the caller for the record. `create: false` (reads, validation)
 * answers null for a customer the shop never acted for, instead of creating one.
 */
export async function actingAsCustomer(
  ctx: ServiceContext,
  customerId: string,
  options: { create: boolean },
): Promise<ServiceContext | null> {
  const caller = requireActingForOthers(ctx, options.create ? 'COUPONS_WRITE' : 'COUPONS_READ');
  const userId = options.create ? await ensureCustomer(ctx, customerId) : await findCustomer(ctx, customerId);
  if (userId === null) return null;
  return { ...ctx, caller: { userId, role: 'USER', apiKey: caller.apiKey } };
}
