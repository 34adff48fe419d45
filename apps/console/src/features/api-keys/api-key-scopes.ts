import type { ApiKeyScope } from '@/gql/graphql';

/** What the console says about a scope: a short label and what it allows (the schema's description). */
export interface ScopeInfo {
  scope: ApiKeyScope;
  label: string;
  description: string;
}

/**
 * The scopes from the least to the most: each includes every one before it (ADMIN ⊇ COUPONS_WRITE
 * ⊇ COUPONS_READ). The descriptions repeat the enum's in schema.graphql (a test keeps them equal).
 */
export const API_KEY_SCOPES: readonly ScopeInfo[] = [
  { scope: 'COUPONS_READ', label: 'Read coupons', description: 'Read books, coupons, redemptions and a customer’s coupons (customerCoupons).' },
  {
    scope: 'COUPONS_WRITE',
    label: 'Write coupons',
    description: 'Act for a shop customer (customerId): claim, lock, unlock, redeem, validate; refund an order (reverseRedemption).',
  },
  { scope: 'ADMIN', label: 'Admin', description: 'What an admin may do.' },
];

const RANK = new Map(API_KEY_SCOPES.map((info, index) => [info.scope, index]));

/** The human label of a scope (a scope from a newer API is shown as it is named). */
export function scopeLabel(scope: ApiKeyScope): string {
  return API_KEY_SCOPES.find((info) => info.scope === scope)?.label ?? scope;
}

/** The chosen scope that already includes `scope`, if any (a higher one). */
export function includedBy(scope: ApiKeyScope, chosen: ReadonlySet<ApiKeyScope>): ApiKeyScope | undefined {
  const rank = RANK.get(scope) ?? -1;
  return API_KEY_SCOPES.find((info) => (RANK.get(info.scope) ?? -1) > rank && chosen.has(info.scope))?.scope;
}

/** What to send: the chosen scopes that no other chosen scope already includes, least first. */
export function scopesToGrant(chosen: ReadonlySet<ApiKeyScope>): ApiKeyScope[] {
  return API_KEY_SCOPES.map((info) => info.scope).filter((scope) => chosen.has(scope) && !includedBy(scope, chosen));
}
