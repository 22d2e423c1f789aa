/**
 * The Beta posterior of one (trigger kind, action) pair: how likely that action is to
 * succeed when that trigger fires. Plain data so it can be stored and sent as it is.
 */
export interface BetaArm {
  triggerKind: string;
  action: string;
  alpha: number;
  beta: number;
  /** Outcomes observed, i.e. completed pulls; proposals that never ran do not count. */
  pulls: number;
  /** Outcomes judged and, of those, the ones where the metric recovered (what α and β count). */
  outcomes?: number;
  recovered?: number;
  /** Credit earned: recoveries the expected course does not explain (see counterfactual.ts). */
  credit?: number;
  /** Epoch ms of the last update, when the caller gave one. */
  updatedAt?: number;
}

export interface BetaPrior {
  alpha: number;
  beta: number;
}

/** Uniform: no opinion before the first outcome. */
export const UNIFORM_PRIOR: BetaPrior = { alpha: 1, beta: 1 };

export function createArm(triggerKind: string, action: string, prior: BetaPrior = UNIFORM_PRIOR): BetaArm {
  if (!(prior.alpha > 0 && prior.beta > 0)) {
    throw new RangeError(`Beta prior needs alpha > 0 and beta > 0, got ${prior.alpha}/${prior.beta}`);
  }
  return { triggerKind, action, alpha: prior.alpha, beta: prior.beta, pulls: 0 };
}

export function expectedSuccess(arm: Pick<BetaArm, 'alpha' | 'beta'>): number {
  return arm.alpha / (arm.alpha + arm.beta);
}

/** Returns a new arm; the old one is left as it was so callers can diff or roll back. */
export function updateArm(arm: BetaArm, success: boolean, now?: number): BetaArm {
  return {
    ...arm,
    alpha: arm.alpha + (success ? 1 : 0),
    beta: arm.beta + (success ? 0 : 1),
    pulls: arm.pulls + 1,
    ...(now === undefined ? {} : { updatedAt: now }),
  };
}

export function armKey(triggerKind: string, action: string): string {
  return `${triggerKind}::${action}`;
}
