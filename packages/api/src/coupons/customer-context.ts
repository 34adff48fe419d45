import { actingAsCustomer, badInput, type ServiceContext } from '@coupons/core';
import type { RequestContext } from '../shared/request-context.ts';

/** The description of every `customerId` argument. */
export const customerIdDoc =
  "The shop's own id of the customer to act for (1 to 200 characters), created on first use. " +
  'Required with an API key; an admin may use it too.';

/**
 * The context a shopper operation runs in. A person acts for themself; with `customerId`, an
 * admin or a COUPONS_WRITE key acts for the shop's customer (created on first use). A key must
 * name the customer: it has no coupons of its own.
 */
export async function shopperContext(ctx: RequestContext, customerId: string | null | undefined): Promise<ServiceContext> {
  if (customerId === null || customerId === undefined) {
    if (ctx.service.caller?.apiKey) throw badInput('customerId', "is required with an API key: the shop's id of the customer to act for");
    return ctx.service;
  }
  return (await actingAsCustomer(ctx.service, customerId, { create: true })) as ServiceContext;
}

/**
 * Like {@link shopperContext}, for reads: a customer the shop never acted for is not created,
 * and the answer is null (they have nothing yet).
 */
export async function readerContext(ctx: RequestContext, customerId: string | null | undefined): Promise<ServiceContext | null> {
  if (customerId === null || customerId === undefined) {
    if (ctx.service.caller?.apiKey) throw badInput('customerId', "is required with an API key: the shop's id of the customer to act for");
    return ctx.service;
  }
  return actingAsCustomer(ctx.service, customerId, { create: false });
}

/** `userId` (admins, for a person) and `customerId` (for a shop's customer) name the same thing twice. */
export function oneTarget(userId: string | null | undefined, customerId: string | null | undefined): void {
  if (userId != null && customerId != null) throw badInput('customerId', 'give userId or customerId, not both');
}
