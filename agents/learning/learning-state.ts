import { armKey, createArm, expectedSuccess, UNIFORM_PRIOR, type BetaArm, type BetaPrior } from './beta-arm.js';
import type { Rng } from './prng.js';
import { thompsonSelect, type ThompsonChoice } from './thompson.js';

/**
 * Everything the decision model has learnt. Arms appear lazily: an action never tried
 * for a trigger kind sits at the prior and is not stored until its first outcome.
 */
export interface LearningState {
  prior: BetaPrior;
  arms: BetaArm[];
}

export function createLearningState(prior: BetaPrior = UNIFORM_PRIOR): LearningState {
  return { prior: { ...prior }, arms: [] };
}

function findArm(state: LearningState, triggerKind: string, action: string): BetaArm {
  const key = armKey(triggerKind, action);
  return state.arms.find((a) => armKey(a.triggerKind, a.action) === key) ?? createArm(triggerKind, action, state.prior);
}

/** Thompson sampling over the actions the caller already judged eligible for this trigger. */
export function selectAction(
  state: LearningState,
  triggerKind: string,
  eligibleActions: readonly string[],
  rng: Rng,
): ThompsonChoice {
  const unique = [...new Set(eligibleActions)];
  return thompsonSelect(
    unique.map((action) => findArm(state, triggerKind, action)),
    rng,
  );
}

export interface TriggerSummary {
  triggerKind: string;
  bestAction: string;
  expectedSuccess: number;
  pulls: number;
  /** Total outcomes seen for this trigger kind, across all its actions. */
  totalPulls: number;
  /** Every tried action for the kind, best first. */
  ranking: Array<{ action: string; expectedSuccess: number; pulls: number; alpha: number; beta: number }>;
}

/**
 * The best action per trigger kind by posterior mean. Arms with fewer than `minPulls`
 * outcomes are left out of "best" (a single lucky success would otherwise win) but still
 * appear in the ranking.
 */
export function bestActionsByTrigger(state: LearningState, minPulls = 1): TriggerSummary[] {
  const byKind = new Map<string, BetaArm[]>();
  for (const arm of state.arms) {
    byKind.set(arm.triggerKind, [...(byKind.get(arm.triggerKind) ?? []), arm]);
  }
  const summaries: TriggerSummary[] = [];
  for (const [triggerKind, arms] of byKind) {
    const ranking = arms
      .map((a) => ({
        action: a.action,
        expectedSuccess: expectedSuccess(a),
        pulls: a.pulls,
        alpha: a.alpha,
        beta: a.beta,
      }))
      .sort((x, y) => y.expectedSuccess - x.expectedSuccess || y.pulls - x.pulls || x.action.localeCompare(y.action));
    const best = ranking.find((r) => r.pulls >= minPulls);
    if (!best) continue;
    summaries.push({
      triggerKind,
      bestAction: best.action,
      expectedSuccess: best.expectedSuccess,
      pulls: best.pulls,
      totalPulls: arms.reduce((n, a) => n + a.pulls, 0),
      ranking,
    });
  }
  return summaries.sort((a, b) => a.triggerKind.localeCompare(b.triggerKind));
}
