'use client';

import { useApolloClient } from '@apollo/client/react';
import { couponCodeSchema } from '@coupons/rules';
import { useCallback, useState } from 'react';
import { graphql } from '@/gql';

export const CouponLookupQuery = graphql(`
  query CouponLookup($code: String!) {
    coupon(code: $code) {
      id
      code
    }
  }
`);

export type CouponSearchResult = { found: true; code: string } | { found: false; reason: 'EMPTY' | 'NOT_A_CODE' | 'NOT_FOUND' };

/**
 * Finds one coupon by its code (any case, spaces around it ignored) for the header's search box:
 * the coupon's canonical code when it exists, else why not. Always asks the API (a code voided or
 * created a moment ago must be found as it is now). Rejects with the API's error on a failure.
 */
export function useCouponSearch() {
  const client = useApolloClient();
  const [searching, setSearching] = useState(false);
  const search = useCallback(
    async (input: string): Promise<CouponSearchResult> => {
      const code = input.trim();
      if (!code) return { found: false, reason: 'EMPTY' };
      // What the API accepts as a code (the shared rules): checked first, so a typo costs no request.
      if (!couponCodeSchema.safeParse(code).success) return { found: false, reason: 'NOT_A_CODE' };
      setSearching(true);
      try {
        const { data } = await client.query({ query: CouponLookupQuery, variables: { code }, fetchPolicy: 'network-only' });
        return data?.coupon ? { found: true, code: data.coupon.code } : { found: false, reason: 'NOT_FOUND' };
      } finally {
        setSearching(false);
      }
    },
    [client],
  );
  return { search, searching };
}
