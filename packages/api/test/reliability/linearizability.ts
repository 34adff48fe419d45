import type { Outcome } from '../../testing/index.ts';
import { applyCommand, type Command, type CouponModel, type DistributionEffect, type Roles } from './coupon.model.ts';

/** One command of a concurrent round and what the API answered. */
export interface Observation {
  command: Command;
  observed: Outcome;
  effect?: DistributionEffect;
}

export type Linearization = { order: number[]; model: CouponModel } | { failure: string };

/**
 * Looks for an order of a round's commands, all issued at once, in which the model gives exactly
 * the answers the API gave, and which ends in the state the database shows (`endsAt`). Such an
 * order exists iff the round is linearizable against the model. A depth-first search with
 * memoisation on (commands left, model state): rounds are small (≤ 8 commands), and commands
 * on different coupons commute, so the search stays tiny.
 */
export function linearize(
  start: CouponModel,
  roles: Roles,
  round: readonly Observation[],
  endsAt: (model: CouponModel) => string | null,
): Linearization {
  const dead = new Set<string>();
  let lastEndProblem: string | null = null;
  const search = (model: CouponModel, left: number[], order: number[]): Linearization | null => {
    if (left.length === 0) {
      const problem = endsAt(model);
      if (problem === null) return { order, model };
      lastEndProblem = problem;
      return null;
    }
    const memo = `${left.join(',')}|${JSON.stringify(model)}`;
    if (dead.has(memo)) return null;
    for (const i of left) {
      const { command, observed, effect } = round[i];
      const verdict = applyCommand(model, roles, command, observed, effect);
      if ('mismatch' in verdict) continue;
      const found = search(verdict.next, left.filter((j) => j !== i), [...order, i]);
      if (found) return found;
    }
    dead.add(memo);
    return null;
  };
  const found = search(start, round.map((_, i) => i), []);
  if (found) return found;
  // Explain from the starting state: what each answer would have needed.
  const reasons = round.map(({ command, observed, effect }, i) => {
    const verdict = applyCommand(start, roles, command, observed, effect);
    return `  #${i} ${JSON.stringify(command)} → ${observed.ok ? 'ok' : observed.code}: ${'mismatch' in verdict ? verdict.mismatch : 'fits first'}`;
  });
  const end = lastEndProblem ? `\nevery order that fits the answers ends elsewhere than the database: ${lastEndProblem}` : '';
  return { failure: `no order of the round explains the answers:\n${reasons.join('\n')}${end}` };
}
