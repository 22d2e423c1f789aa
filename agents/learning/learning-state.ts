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

export interface ArmReport {
  triggerKind: string;
  action: string;
  /** Credit earned per outcome: recoveries the expected course does not explain. */
  successRate: number | null;
  /** Outcomes where the metric recovered, whatever caused it. */
  recoveryRate: number | null;
  /** recoveryRate minus the control arm's: what acting adds to doing nothing. Null without controls. */
  upliftOverControl: number | null;
  samples: number;
  controlSamples: number;
}

/**
 * Pure: per trigger kind and action, the success rate, the uplift of its recovery rate over the
 * control arm's (the firings where nothing was done) and the number of samples.
 */
export function armReports(state: LearningState, controlAction: string): ArmReport[] {
  const rate = (n: number, of: number) => (of > 0 ? n / of : null);
  const controls = new Map(
    state.arms.filter((a) => a.action === controlAction).map((a) => [a.triggerKind, a] as const),
  );
  return state.arms.map((arm) => {
    const outcomes = arm.outcomes ?? arm.pulls;
    const recovered = arm.recovered ?? arm.alpha - state.prior.alpha;
    const recoveryRate = rate(recovered, outcomes);
    const control = controls.get(arm.triggerKind);
    const controlSamples = control?.outcomes ?? 0;
    const controlRate = control ? rate(control.recovered ?? 0, controlSamples) : null;
    const isControl = arm.action === controlAction;
    return {
      triggerKind: arm.triggerKind,
      action: arm.action,
      successRate: isControl ? null : rate(arm.credit ?? recovered, outcomes),
      recoveryRate,
      upliftOverControl: isControl || recoveryRate === null || controlRate === null ? null : recoveryRate - controlRate,
      samples: outcomes,
      controlSamples,
    };
  });
}
