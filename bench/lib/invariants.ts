import { checkInvariants } from '@coupons/core';
import type { Database } from '@coupons/db';

/**
 * Runs the service's invariant checker (core `invariants/`) over the whole database: after every
 * scenario, so a fast wrong answer (a double assignment, a counter out of step, a missing event)
 * fails the scenario instead of producing a good-looking number.
 */
export async function verifyInvariants(db: Database): Promise<string[]> {
  const violations = await checkInvariants(db.prisma);
  return violations.map((v) => `${v.rule}: ${JSON.stringify(v.examples.slice(0, 3))}`);
}
