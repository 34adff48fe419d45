import type { Caller } from '../shared/context.ts';
import { DomainError, notFound } from '../shared/errors.ts';
import { notActive } from './availability.ts';
import type { TransitionOutcome } from './lock.sql.ts';

type Transition = 'lock' | 'unlock' | 'redeem';

/**
 * Names why a single-coupon transition changed nothing, from the coupon's latest version as its
 * step 2 saw it under the row lock (transition.ts). Order matters: existence, then ownership,
 * then state, then the book's window.
 *
 * Codes cannot be probed: to a shopper, a code that is not theirs (someone else's, a free one, or
 * none at all) answers NOT_FOUND with the same message, so lock/unlock/redeem tell nothing about
 * codes they do not own. An admin, who may read every coupon anyway, hears the precise reason.
 */
export function transitionError(outcome: TransitionOutcome, caller: Caller, transition: Transition): DomainError {
  const userId = caller.userId;
  if (!outcome.found) return notFound('Coupon');
  if (caller.role !== 'ADMIN' && outcome.ownerId !== userId) return notFound('Coupon');
  const effectiveState = outcome.lockExpired ? 'ASSIGNED' : outcome.state;
  if (outcome.state === 'UNASSIGNED') {
    return new DomainError('INVALID_STATE', `Cannot ${transition} a coupon that is not assigned`, { state: 'UNASSIGNED' });
  }
  if (outcome.ownerId !== userId) return new DomainError('FORBIDDEN', 'This coupon is assigned to someone else');
  if (transition === 'redeem' && outcome.lockExpired) {
    return new DomainError('LOCK_EXPIRED', 'The lock on this coupon has expired: lock it again', { state: 'ASSIGNED' });
  }
  const allowedFrom = { lock: 'ASSIGNED', unlock: 'LOCKED', redeem: 'LOCKED' }[transition];
  if (effectiveState !== allowedFrom) {
    const hint = transition === 'redeem' && effectiveState === 'ASSIGNED' ? ': lock it first' : '';
    return new DomainError(
      'INVALID_STATE',
      `Cannot ${transition} a coupon that is ${effectiveState}; it must be ${allowedFrom}${hint}`,
      { state: effectiveState },
    );
  }
  if (outcome.lockedById !== null && outcome.lockedById !== userId) {
    return new DomainError('FORBIDDEN', 'This lock belongs to someone else');
  }
  if (!outcome.active) return notActive(outcome.inactiveReason);
  // Every guard of the statement passed on the version it saw, yet it wrote nothing: a bug, never
  // a contract answer (a limit is named by the caller, which knows whether a counter refused).
  throw new Error(`${transition} changed nothing although its guard held on the coupon's latest version`);
}
