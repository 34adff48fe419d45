import { type GraphqlLoadResult, runGraphqlLoad, type StepContext } from './http-load.ts';

export const LOCK_MUTATION = 'mutation Lock($code: String!) { lockCoupon(code: $code) { code state lockExpiresAt } }';
export const REDEEM_MUTATION = 'mutation Redeem($code: String!) { redeemCoupon(code: $code) { id redeemedAt } }';

/** One checkout: a user's own assigned coupon, locked then redeemed. */
export interface Checkout {
  userIndex: number;
  userId: string;
  code: string;
}

/**
 * The checkouts in the order they are taken: round k is every user's k-th coupon, so at any
 * moment the workers are (nearly always) on as many different users, each on their own coupon.
 */
export function checkoutQueue(userIds: string[], codes: Map<string, string[]>, perUser: number): Checkout[] {
  const queue: Checkout[] = [];
  for (let k = 0; k < perUser; k++) {
    userIds.forEach((userId, userIndex) => {
      queue.push({ userIndex, userId, code: (codes.get(userId) as string[])[k] });
    });
  }
  return queue;
}

/**
 * Checkouts through the API at `url`: each of `connections` keep-alive clients locks then redeems
 * the next coupon of `queue` (the user's own token from `tokens`, by `userIndex`). The returned
 * function runs `count` checkouts (2 × count calls) and goes on where the last run stopped.
 */
export function apiCheckouts(url: string, queue: Checkout[], tokens: string[], connections: number): (count: number) => Promise<GraphqlLoadResult> {
  let next = 0;
  const auth = (checkout: Checkout) => ({ variables: { code: checkout.code }, authorization: tokens[checkout.userIndex] });
  return (count) =>
    runGraphqlLoad({
      url,
      connections,
      amount: count * 2,
      steps: [
        {
          query: LOCK_MUTATION,
          next: (context: StepContext) => {
            const checkout = queue[next++];
            context.checkout = checkout;
            return auth(checkout);
          },
        },
        { query: REDEEM_MUTATION, next: (context: StepContext) => auth(context.checkout as Checkout) },
      ],
    });
}
